package dev.livecode.core.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys kept in a durable {@link Store} (see {@link Store#apiKeys()}), so that keys can be
 * handed out and revoked without editing a file on every node. Only a digest of each key is kept,
 * never the key. Implementations are thread-safe; their failures are {@link
 * dev.livecode.core.exception.StoreException}s that keep the cause.
 *
 * @since 0.4
 */
public interface ApiKeyStore {

  /**
   * Stores a new key.
   *
   * @throws IllegalStateException when a key with the same id or digest exists already
   */
  void insert(StoredKey key);

  /** Every key, revoked ones too, oldest first. */
  List<StoredKey> list();

  /** Keys not revoked: what a server checks requests against. */
  List<StoredKey> active();

  /**
   * Marks a key revoked from {@code at} on.
   *
   * @return true when this call revoked it; false when there is no such key or it was revoked
   *     before
   */
  boolean revoke(String id, Instant at);

  /**
   * One stored key.
   *
   * @param id names the key in listings and for revocation; says nothing about the key
   * @param tenant whose key it is
   * @param sha256 the lower-case hex SHA-256 digest of the key
   * @param prefix the first characters of the key, so that an operator can tell keys apart
   * @param options the key's options in the key file's syntax ({@code concurrent_runs=2
   *     admin=true}), empty for none
   * @param createdAt when it was made
   * @param revokedAt when it was revoked, empty while it works
   */
  record StoredKey(
      String id,
      String tenant,
      String sha256,
      String prefix,
      String options,
      Instant createdAt,
      Optional<Instant> revokedAt) {
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** The longest {@link #prefix}: enough to tell keys apart, too little to guess one. */
    public static final int MAX_PREFIX_LENGTH = 12;

    public StoredKey {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(sha256, "sha256");
      Objects.requireNonNull(prefix, "prefix");
      Objects.requireNonNull(options, "options");
      Objects.requireNonNull(createdAt, "createdAt");
      Objects.requireNonNull(revokedAt, "revokedAt");
      if (id.isBlank() || id.length() > 64) {
        throw new IllegalArgumentException("id must be 1 to 64 characters");
      }
      if (tenant.isBlank() || tenant.length() > 128) {
        throw new IllegalArgumentException("tenant must be 1 to 128 characters");
      }
      if (!HEX_SHA256.matcher(sha256).matches()) {
        throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
      }
      if (prefix.length() > MAX_PREFIX_LENGTH) {
        throw new IllegalArgumentException(
            "prefix must be at most " + MAX_PREFIX_LENGTH + " characters");
      }
      if (options.length() > 1024) {
        throw new IllegalArgumentException("options must be at most 1024 characters");
      }
    }
  }
}
