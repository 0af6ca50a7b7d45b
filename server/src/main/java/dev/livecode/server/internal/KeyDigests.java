package dev.livecode.server.internal;

import dev.livecode.http.Authenticator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keys by their SHA-256 digest, for a lookup that costs the same with ten keys or ten thousand.
 *
 * <p>Why a hash lookup is safe here: its timing can at most tell how a digest of the caller's guess
 * relates to the stored digests, and a digest gives nothing of its key back (SHA-256 is preimage
 * resistant), so the time taken says nothing about any key. The entry found is still confirmed with
 * {@link MessageDigest#isEqual}.
 */
final class KeyDigests {
  /** One key: its digest and whose key it is, with its quota. */
  record Entry(byte[] digest, Authenticator.Tenant tenant) {}

  /** A digest per thread: {@link MessageDigest#getInstance} looks up providers on every call. */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(KeyDigests::newSha256);

  private final Map<ByteBuffer, Entry> byDigest;
  private final int size;

  KeyDigests(List<Entry> entries) {
    Map<ByteBuffer, Entry> map = new HashMap<>();
    for (Entry entry : entries) {
      // The first of two equal keys wins, as it did when every entry was compared in order.
      map.putIfAbsent(ByteBuffer.wrap(entry.digest().clone()), entry);
    }
    this.byDigest = Map.copyOf(map);
    this.size = entries.size();
  }

  Optional<Authenticator.Tenant> find(String key) {
    byte[] digest = sha256(key.getBytes(StandardCharsets.UTF_8));
    Entry entry = byDigest.get(ByteBuffer.wrap(digest));
    return entry != null && MessageDigest.isEqual(entry.digest(), digest)
        ? Optional.of(entry.tenant())
        : Optional.empty();
  }

  /** Keys and tenants, for a log line; never a key. */
  String summary() {
    return "keys="
        + size
        + " tenants="
        + byDigest.values().stream().map(e -> e.tenant().id()).distinct().count();
  }

  static byte[] sha256(byte[] bytes) {
    MessageDigest digest = SHA256.get();
    digest.reset();
    return digest.digest(bytes);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
