package dev.livecode.http.internal;

import dev.livecode.core.Execution;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.Authenticator;
import dev.livecode.http.QuotaCounters;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Holds each tenant to its {@link Authenticator.Quota}: a run or a session over it is refused with
 * 429 before anything is queued or stored. Runs in flight are the members of a set per tenant,
 * added before the run is queued; a member whose run has ended is dropped when the set is found
 * full, so the count never needs the end of a run to be reported to it.
 */
public final class Quotas {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  /** A reservation older than this belongs to a request that died between reserving and queuing. */
  private static final long STALE_RESERVATION_MS = 60_000;

  /** How long an event stream may stay open after its execution ended, at most. */
  private static final long STREAM_AFTER_END_MS = 120_000;

  private final QuotaCounters counters;
  private final Authenticator.Quota defaults;
  private final LivecodeEngine engine;

  public Quotas(QuotaCounters counters, Authenticator.Quota defaults, LivecodeEngine engine) {
    this.counters = counters;
    this.defaults = defaults;
    this.engine = engine;
  }

  /** A slot of a tenant's concurrent runs, held while its run is queued. */
  public final class Slot {
    private final String set;
    private final String reservation;

    private Slot(String set, String reservation) {
      this.set = set;
      this.reservation = reservation;
    }

    /** The run is queued: the slot is now its execution's, until that ends. */
    public void queued(UUID executionId) {
      if (set != null) {
        counters.reserve(set, "e:" + executionId, Integer.MAX_VALUE);
        counters.release(set, reservation);
      }
    }

    /** The run was not queued. */
    public void release() {
      if (set != null) {
        counters.release(set, reservation);
      }
    }
  }

  /**
   * @throws ApiException 429 when the tenant is at its sessions per minute
   */
  void admitSession(Authenticator.Tenant tenant) {
    OptionalInt limit = tenant.quota().or(defaults).sessionsPerMinute();
    if (limit.isPresent()) {
      rate("sessions:" + tenant.id(), limit.getAsInt(), "sessions_per_minute");
    }
  }

  /**
   * Counts a run against the tenant's runs per minute and takes one of its concurrent runs.
   *
   * @throws ApiException 429 when either is used up (then neither is taken)
   */
  Slot admitRun(Authenticator.Tenant tenant) {
    Authenticator.Quota quota = tenant.quota().or(defaults);
    Slot slot = concurrent(tenant, quota.concurrentRuns());
    if (quota.runsPerMinute().isPresent()) {
      try {
        rate("runs:" + tenant.id(), quota.runsPerMinute().getAsInt(), "runs_per_minute");
      } catch (RuntimeException e) {
        slot.release();
        throw e;
      }
    }
    return slot;
  }

  /**
   * Takes one of the tenant's open event streams, for a stream of {@code executionId}.
   *
   * @return what gives it back when the stream ends; call it once
   * @throws ApiException 429 when the tenant has its event streams open
   */
  Runnable admitStream(Authenticator.Tenant tenant, UUID executionId) {
    OptionalInt streams = tenant.quota().or(defaults).eventStreams();
    if (streams.isEmpty()) {
      return () -> {};
    }
    int limit = streams.getAsInt();
    String set = "streams:" + tenant.id();
    String member = "s:" + System.currentTimeMillis() + ":" + executionId + ":" + UUID.randomUUID();
    if (!counters.reserve(set, member, limit)) {
      dropStaleStreams(set);
      if (!counters.reserve(set, member, limit)) {
        throw tooMany(
            limit,
            Duration.ofSeconds(1),
            "event_streams",
            () ->
                "the tenant has "
                    + limit
                    + " event streams open; close one or retry when one has ended");
      }
    }
    return () -> counters.release(set, member);
  }

  /**
   * A stream normally gives its place back when it ends; one of a node that died never does. A
   * stream outlives its execution by at most {@link #STREAM_AFTER_END_MS} (replay and a slow
   * client's stall timeout), so a place whose execution has ended and that was taken longer ago
   * than that is dropped.
   */
  private void dropStaleStreams(String set) {
    long now = System.currentTimeMillis();
    for (String member : counters.members(set)) {
      String[] parts = member.split(":", 4);
      boolean stale;
      try {
        stale =
            parts.length < 4
                || (now - Long.parseLong(parts[1]) > STREAM_AFTER_END_MS
                    && engine
                        .findExecution(UUID.fromString(parts[2]))
                        .map(Execution::isFinished)
                        .orElse(true));
      } catch (IllegalArgumentException e) {
        stale = true;
      }
      if (stale) {
        counters.release(set, member);
      }
    }
  }

  private Slot concurrent(Authenticator.Tenant tenant, OptionalInt concurrentRuns) {
    if (concurrentRuns.isEmpty()) {
      return new Slot(null, null);
    }
    int limit = concurrentRuns.getAsInt();
    String set = "inflight:" + tenant.id();
    String reservation = "r:" + System.currentTimeMillis() + ":" + UUID.randomUUID();
    if (!counters.reserve(set, reservation, limit)) {
      dropEnded(set);
      if (!counters.reserve(set, reservation, limit)) {
        throw tooMany(
            limit,
            Duration.ofSeconds(1),
            "concurrent_runs",
            () -> "the tenant has " + limit + " runs queued or running; retry when one has ended");
      }
    }
    return new Slot(set, reservation);
  }

  private void dropEnded(String set) {
    long now = System.currentTimeMillis();
    for (String member : counters.members(set)) {
      boolean ended;
      if (member.startsWith("e:")) {
        ended =
            engine
                .findExecution(UUID.fromString(member.substring(2)))
                .map(Execution::isFinished)
                .orElse(true);
      } else {
        String[] parts = member.split(":", 3);
        ended = parts.length < 3 || now - Long.parseLong(parts[1]) > STALE_RESERVATION_MS;
      }
      if (ended) {
        counters.release(set, member);
      }
    }
  }

  private void rate(String key, int limit, String name) {
    QuotaCounters.Window window = counters.hit(key, limit, MINUTE);
    if (!window.admitted()) {
      throw tooMany(
          limit,
          window.reset(),
          name,
          () ->
              "the tenant has used its " + limit + " " + name.replace('_', ' ') + "; retry later");
    }
  }

  private static ApiException tooMany(
      int limit, Duration reset, String quota, Supplier<String> detail) {
    String seconds = Long.toString(Math.max(1, (reset.toMillis() + 999) / 1000));
    return new ApiException(
        429,
        "QUOTA_EXCEEDED",
        detail.get(),
        Map.of("quota", quota, "limit", limit),
        Map.of(
            "Retry-After",
            seconds,
            "RateLimit-Limit",
            Integer.toString(limit),
            "RateLimit-Remaining",
            "0",
            "RateLimit-Reset",
            seconds));
  }
}
