package dev.livecode.http;

import static dev.livecode.http.testing.HttpClientSupport.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
import dev.livecode.http.testing.SseConnection;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-tenant quotas: 429 with the rate-limit headers, and nothing queued beyond them. */
class QuotasIT {
  private static final String KEY_CONCURRENT = "concurrent-0123456789abcdef";
  private static final String KEY_RATE = "rate-0123456789abcdef0123";
  private static final String KEY_DEFAULTS = "defaults-0123456789abcdef";
  private static final String KEY_STREAMS = "streams-0123456789abcdef0";
  private static final String KEY_CAPPED = "capped-0123456789abcdef01";
  private static final String KEY_UNCAPPED = "uncapped-0123456789abcdef";

  private static LivecodeEngine engine;
  private static LivecodeHttpServer server;
  private static HttpClientSupport http;

  @BeforeAll
  static void start() {
    Map<String, Authenticator.Tenant> keys =
        Map.of(
            KEY_CONCURRENT,
            new Authenticator.Tenant(
                "concurrent",
                false,
                new Authenticator.Quota(
                    OptionalInt.of(2), OptionalInt.empty(), OptionalInt.empty())),
            KEY_RATE,
            new Authenticator.Tenant(
                "rate",
                false,
                new Authenticator.Quota(
                    OptionalInt.empty(), OptionalInt.of(3), OptionalInt.empty())),
            KEY_DEFAULTS,
            new Authenticator.Tenant("defaults", false),
            KEY_STREAMS,
            new Authenticator.Tenant(
                "streams",
                false,
                new Authenticator.Quota(
                    OptionalInt.empty(),
                    OptionalInt.empty(),
                    OptionalInt.empty(),
                    OptionalInt.of(2))),
            KEY_CAPPED,
            new Authenticator.Tenant(
                "capped",
                false,
                Authenticator.Quota.DEFAULT,
                Limits.Overrides.NONE.withWallTime(Duration.ofMillis(1000))),
            KEY_UNCAPPED,
            new Authenticator.Tenant(
                "uncapped",
                false,
                new Authenticator.Quota(
                    OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of(100))));
    engine = Livecode.builder().workers(4).warmPool(0).readySandboxes(0).build();
    server =
        LivecodeHttpServer.builder(engine)
            .host("127.0.0.1")
            .port(0)
            .authenticator(key -> Optional.ofNullable(keys.get(key)))
            .defaultQuota(
                new Authenticator.Quota(
                    OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of(2)))
            .start();
    http = new HttpClientSupport(server.port());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void aRunBeyondTheConcurrentRunsGets429AndIsNotQueuedThenRunsOnceOneEnded() {
    HttpClientSupport tenant = http.withKey(KEY_CONCURRENT);
    String session = tenant.createSession("python", "import time\ntime.sleep(1.5)");
    String first = tenant.run(session, null);
    tenant.run(session, null);

    Reply refused = tenant.post("/code-sessions/" + session + "/run", "{}");

    assertTooMany(refused, "2", "concurrent_runs");
    assertThat(tenant.get("/code-sessions/" + session + "/executions").body().get("executions"))
        .hasSize(2);
    tenant.awaitEnd(first);
    assertThat(tenant.post("/code-sessions/" + session + "/run", "{}").status()).isEqualTo(200);
  }

  @Test
  void aRunBeyondTheRunsPerMinuteGets429UntilTheMinuteEnds() {
    HttpClientSupport tenant = http.withKey(KEY_RATE);
    String session = tenant.createSession("python", "pass");
    for (int i = 0; i < 3; i++) {
      tenant.run(session, null);
    }

    Reply refused = tenant.post("/code-sessions/" + session + "/run", "{}");

    assertTooMany(refused, "3", "runs_per_minute");
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
    assertThat(tenant.get("/code-sessions/" + session + "/executions").body().get("executions"))
        .hasSize(3);
  }

  @Test
  void aTenantWithoutItsOwnQuotaGetsTheServersDefaultSessionsPerMinute() {
    HttpClientSupport tenant = http.withKey(KEY_DEFAULTS);
    tenant.createSession("python", "1");
    tenant.createSession("python", "2");

    Reply refused =
        tenant.post(
            "/code-sessions", HttpClientSupport.object("language", "python", "source_code", "3"));

    assertTooMany(refused, "2", "sessions_per_minute");
    // Another tenant's sessions count on their own.
    assertThat(http.withKey(KEY_RATE).createSession("python", "mine")).isNotBlank();
  }

  @Test
  void aStreamBeyondTheEventStreamsGets429AndNothingElseIsHeldBack() throws Exception {
    HttpClientSupport tenant = http.withKey(KEY_STREAMS);
    String session = tenant.createSession("python", "import time\ntime.sleep(1.5)");
    String execution = tenant.run(session, null);
    String events = "/executions/" + execution + "/events";
    Map<String, String> auth = Map.of("Authorization", "Bearer " + KEY_STREAMS);
    try (SseConnection first = SseConnection.open(server.port(), events, auth);
        SseConnection second = SseConnection.open(server.port(), events, auth)) {
      assertThat(first.status()).isEqualTo(200);
      assertThat(second.status()).isEqualTo(200);

      Reply refused = tenant.get(events);

      assertTooMany(refused, "2", "event_streams");
      assertThat(refused.raw().body()).doesNotContain(KEY_STREAMS);
      assertThat(tenant.get("/executions/" + execution).status()).isEqualTo(200);
      assertThat(http.withKey(KEY_DEFAULTS).get(events).status())
          .as("another tenant gets the 404 of an unknown id, not the 429")
          .isEqualTo(404);
    }
  }

  @Test
  void aStreamThatEndedGivesItsPlaceBack() throws Exception {
    HttpClientSupport tenant = http.withKey(KEY_STREAMS);
    String session = tenant.createSession("python", "print('done')");
    String execution = tenant.run(session, null);
    tenant.awaitEnd(execution);
    String events = "/executions/" + execution + "/events";

    // Each replays the finished execution and ends: three in a row on a quota of two.
    for (int i = 0; i < 3; i++) {
      assertThat(awaitStatus(tenant, events, 200)).isEqualTo(200);
    }
  }

  @Test
  void aRunAskingForMoreThanItsTenantsCapGets400() {
    HttpClientSupport tenant = http.withKey(KEY_CAPPED);
    String session = tenant.createSession("python", "print(1)");

    Reply refused =
        tenant.post("/code-sessions/" + session + "/run", "{\"limits\":{\"wall_time_ms\":2000}}");

    assertProblem(refused, 400, "INVALID_REQUEST");
    assertThat(refused.body().get("detail").asText())
        .contains("wall_time_ms 2000")
        .contains("1000");
    assertThat(tenant.get("/code-sessions/" + session + "/executions").body().get("executions"))
        .isEmpty();
  }

  @Test
  void aTenantsCapLowersTheDefaultOfItsRuns() {
    HttpClientSupport tenant = http.withKey(KEY_CAPPED);
    String session = tenant.createSession("python", "import time\ntime.sleep(3)");

    assertThat(tenant.awaitEnd(tenant.run(session, null)).get("status").asText())
        .isEqualTo("TIMEOUT");
    assertThat(
            http.withKey(KEY_UNCAPPED)
                .post(
                    "/code-sessions/"
                        + http.withKey(KEY_UNCAPPED).createSession("python", "1")
                        + "/run",
                    "{\"limits\":{\"wall_time_ms\":2000}}")
                .status())
        .as("a tenant without caps may ask for what the server allows")
        .isEqualTo(200);
  }

  /** Polls until a stream request answers {@code status}, for a place given back just now. */
  private static int awaitStatus(HttpClientSupport tenant, String path, int status)
      throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    int last;
    do {
      last = tenant.get(path).status();
      if (last == status) {
        return last;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    return last;
  }

  private static void assertTooMany(Reply reply, String limit, String quota) {
    assertProblem(reply, 429, "QUOTA_EXCEEDED");
    assertThat(reply.body().get("quota").asText()).isEqualTo(quota);
    assertThat(reply.header("RateLimit-Limit")).isEqualTo(limit);
    assertThat(reply.header("RateLimit-Remaining")).isEqualTo("0");
    assertThat(Integer.parseInt(reply.header("RateLimit-Reset"))).isPositive();
    assertThat(Integer.parseInt(reply.header("Retry-After"))).isPositive();
    assertThat(reply.raw().body())
        .doesNotContain(KEY_CONCURRENT, KEY_RATE, KEY_DEFAULTS, KEY_STREAMS, KEY_CAPPED);
  }
}
