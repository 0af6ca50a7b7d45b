package dev.livecode.http;

import static dev.livecode.http.testing.HttpClientSupport.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
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
            new Authenticator.Tenant("defaults", false));
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

  private static void assertTooMany(Reply reply, String limit, String quota) {
    assertProblem(reply, 429, "QUOTA_EXCEEDED");
    assertThat(reply.body().get("quota").asText()).isEqualTo(quota);
    assertThat(reply.header("RateLimit-Limit")).isEqualTo(limit);
    assertThat(reply.header("RateLimit-Remaining")).isEqualTo("0");
    assertThat(Integer.parseInt(reply.header("RateLimit-Reset"))).isPositive();
    assertThat(Integer.parseInt(reply.header("Retry-After"))).isPositive();
    assertThat(reply.raw().body()).doesNotContain(KEY_CONCURRENT, KEY_RATE, KEY_DEFAULTS);
  }
}
