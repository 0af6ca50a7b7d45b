package dev.livecode.http;

import dev.livecode.core.Limits;
import dev.livecode.core.Session;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Maps the API key of a request to the tenant it belongs to. Given to {@link
 * LivecodeHttpServer.Builder#authenticator(Authenticator)}, it makes every endpoint but the open
 * ones ({@code GET /health*}, {@code GET /languages}, {@code GET /openapi.json}) need a key, sent
 * as {@code Authorization: Bearer <key>} or {@code X-Api-Key: <key>}; a request without one, or
 * with one this gives no tenant for, gets 401. Sessions and executions then belong to the tenant
 * that created them, and another tenant gets 404 for them.
 *
 * <p>Called on request threads, once per request: it must be thread-safe and quick. An
 * implementation should never compare keys themselves in variable time: compare them in constant
 * time ({@link java.security.MessageDigest#isEqual}), or look them up by a cryptographic digest,
 * whose timing tells nothing about a key; and never log them.
 *
 * @since 0.4
 */
@FunctionalInterface
public interface Authenticator {

  /**
   * The tenant of {@code key}, or empty when it is no valid key.
   *
   * @param key the key as the client sent it, never blank
   */
  Optional<Tenant> authenticate(String key);

  /**
   * Who a request acts for.
   *
   * @param id the owner of what the tenant creates (see {@link Session#owner()}); a key line may
   *     name {@link Session#ANONYMOUS} to reach what was created without keys
   * @param admin whether it may read {@code GET /metrics}
   * @param quota what it may use
   * @param caps the highest limits its runs may ask for, each present one below the server's cap
   *     (and lowering the default with it); a run asking for more gets 400 {@code INVALID_REQUEST},
   *     as one over the server's cap does
   */
  record Tenant(String id, boolean admin, Quota quota, Limits.Overrides caps) {
    public Tenant {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(quota, "quota");
      Objects.requireNonNull(caps, "caps");
      if (id.isBlank() || id.length() > Session.MAX_OWNER_LENGTH) {
        throw new IllegalArgumentException(
            "tenant id must be 1 to " + Session.MAX_OWNER_LENGTH + " characters, not blank");
      }
    }

    /** A tenant held to the server's caps. */
    public Tenant(String id, boolean admin, Quota quota) {
      this(id, admin, quota, Limits.Overrides.NONE);
    }

    /** A tenant held to the server's default quota and caps. */
    public Tenant(String id, boolean admin) {
      this(id, admin, Quota.DEFAULT);
    }
  }

  /**
   * What a tenant may use; an empty field takes the server's default ({@link
   * LivecodeHttpServer.Builder#defaultQuota(Quota)}), and one empty there too has no limit.
   *
   * @param concurrentRuns runs queued or running at once (429 beyond, nothing queued)
   * @param runsPerMinute runs started per minute
   * @param sessionsPerMinute sessions created per minute
   * @param eventStreams event streams ({@code GET /executions/:id/events}) open at once
   */
  record Quota(
      OptionalInt concurrentRuns,
      OptionalInt runsPerMinute,
      OptionalInt sessionsPerMinute,
      OptionalInt eventStreams) {
    /** Every field empty: the server's defaults. */
    public static final Quota DEFAULT =
        new Quota(
            OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());

    public Quota {
      Objects.requireNonNull(concurrentRuns, "concurrentRuns");
      Objects.requireNonNull(runsPerMinute, "runsPerMinute");
      Objects.requireNonNull(sessionsPerMinute, "sessionsPerMinute");
      Objects.requireNonNull(eventStreams, "eventStreams");
      for (OptionalInt limit :
          new OptionalInt[] {concurrentRuns, runsPerMinute, sessionsPerMinute, eventStreams}) {
        if (limit.isPresent() && limit.getAsInt() < 1) {
          throw new IllegalArgumentException("a quota must be >= 1, was " + limit.getAsInt());
        }
      }
    }

    /** No limit on open event streams. */
    public Quota(
        OptionalInt concurrentRuns, OptionalInt runsPerMinute, OptionalInt sessionsPerMinute) {
      this(concurrentRuns, runsPerMinute, sessionsPerMinute, OptionalInt.empty());
    }

    /** Each empty field of this one taken from {@code fallback}. */
    public Quota or(Quota fallback) {
      return new Quota(
          concurrentRuns.isPresent() ? concurrentRuns : fallback.concurrentRuns,
          runsPerMinute.isPresent() ? runsPerMinute : fallback.runsPerMinute,
          sessionsPerMinute.isPresent() ? sessionsPerMinute : fallback.sessionsPerMinute,
          eventStreams.isPresent() ? eventStreams : fallback.eventStreams);
    }
  }
}
