package dev.livecode.http;

import static dev.livecode.http.testing.HttpClientSupport.assertProblem;
import static dev.livecode.http.testing.HttpClientSupport.object;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.Session;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A server with an authenticator: keys, tenants that see only their own work, open endpoints. */
class TenantsIT {
  private static final String KEY_A = "key-of-tenant-a-0123456789";
  private static final String KEY_B = "key-of-tenant-b-0123456789";
  private static final String KEY_ADMIN = "key-of-the-admin-0123456789";

  private static LivecodeEngine engine;
  private static LivecodeHttpServer server;
  private static HttpClientSupport anonymous;
  private static HttpClientSupport a;
  private static HttpClientSupport b;

  @BeforeAll
  static void start() {
    Map<String, Authenticator.Tenant> keys =
        Map.of(
            KEY_A, new Authenticator.Tenant("a", false),
            KEY_B, new Authenticator.Tenant("b", false),
            KEY_ADMIN, new Authenticator.Tenant("ops", true));
    engine = Livecode.builder().workers(2).warmPool(0).readySandboxes(0).build();
    server =
        LivecodeHttpServer.builder(engine)
            .host("127.0.0.1")
            .port(0)
            .authenticator(key -> Optional.ofNullable(keys.get(key)))
            .start();
    anonymous = new HttpClientSupport(server.port());
    a = anonymous.withKey(KEY_A);
    b = anonymous.withKey(KEY_B);
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
  void aRequestWithoutAKeyGets401WithAChallenge() {
    Reply reply =
        anonymous.post("/code-sessions", object("language", "python", "source_code", "print(1)"));

    assertProblem(reply, 401, "UNAUTHORIZED");
    assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer");
  }

  @Test
  void aWrongKeyGets401AndTheBodyNeverShowsIt() {
    String wrong = "not-a-key-but-a-guess-424242";
    Reply bearer = anonymous.withKey(wrong).get("/code-sessions/" + java.util.UUID.randomUUID());
    Reply header =
        anonymous.send(
            "POST",
            "/code-sessions",
            "application/json",
            "{\"language\":\"python\"}",
            Map.of("X-Api-Key", wrong));

    assertProblem(bearer, 401, "UNAUTHORIZED");
    assertProblem(header, 401, "UNAUTHORIZED");
    assertThat(bearer.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(bearer.raw().body() + header.raw().body()).doesNotContain(wrong);
  }

  @Test
  void xApiKeyIsAcceptedLikeABearerKey() {
    Reply reply =
        anonymous.send(
            "POST",
            "/code-sessions",
            "application/json",
            "{\"language\":\"python\",\"source_code\":\"print(1)\"}",
            Map.of("X-Api-Key", KEY_A));

    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
    String id = reply.body().get("session_id").asText();
    assertThat(a.get("/code-sessions/" + id).status()).isEqualTo(200);
    assertThat(engine.getSession(java.util.UUID.fromString(id)).owner()).isEqualTo("a");
  }

  @Test
  void probesLanguagesAndTheApiDescriptionNeedNoKey() {
    for (String path :
        List.of("/health", "/health/live", "/health/ready", "/languages", "/openapi.json")) {
      assertThat(anonymous.get(path).status()).as(path).isEqualTo(200);
    }
  }

  @Test
  void metricsNeedAnAdminKey() {
    assertProblem(anonymous.get("/metrics"), 401, "UNAUTHORIZED");
    assertProblem(a.get("/metrics"), 403, "FORBIDDEN");
    assertThat(metricsStatus(KEY_ADMIN)).isEqualTo(200);
  }

  private static int metricsStatus(String key) {
    try {
      return java.net.http.HttpClient.newHttpClient()
          .send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                  .header("Authorization", "Bearer " + key)
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anotherTenantGetsTheSame404AsForAnUnknownIdOnEveryEndpoint() {
    String session = a.createSession("python", "print('mine')");
    String execution = a.run(session, null);
    a.awaitEnd(execution);
    String unknownSession = java.util.UUID.randomUUID().toString();
    String unknownExecution = java.util.UUID.randomUUID().toString();

    assertSameAsUnknown(
        b.get("/code-sessions/" + session),
        b.get("/code-sessions/" + unknownSession),
        "SESSION_NOT_FOUND");
    assertSameAsUnknown(
        b.patch("/code-sessions/" + session, object("source_code", "print('theirs')")),
        b.patch("/code-sessions/" + unknownSession, object("source_code", "print('theirs')")),
        "SESSION_NOT_FOUND");
    assertSameAsUnknown(
        b.get("/code-sessions/" + session + "/executions"),
        b.get("/code-sessions/" + unknownSession + "/executions"),
        "SESSION_NOT_FOUND");
    assertSameAsUnknown(
        b.post("/code-sessions/" + session + "/run", object()),
        b.post("/code-sessions/" + unknownSession + "/run", object()),
        "SESSION_NOT_FOUND");
    assertSameAsUnknown(
        b.get("/executions/" + execution),
        b.get("/executions/" + unknownExecution),
        "EXECUTION_NOT_FOUND");
    assertSameAsUnknown(
        b.get("/executions/" + execution + "?wait_ms=100"),
        b.get("/executions/" + unknownExecution + "?wait_ms=100"),
        "EXECUTION_NOT_FOUND");

    assertSameAsUnknown(
        b.get("/executions/" + execution + "/events"),
        b.get("/executions/" + unknownExecution + "/events"),
        "EXECUTION_NOT_FOUND");
    assertSameAsUnknown(
        b.post("/executions/" + execution + "/stdin", object("data", "theirs\n")),
        b.post("/executions/" + unknownExecution + "/stdin", object("data", "theirs\n")),
        "EXECUTION_NOT_FOUND");
    assertSameAsUnknown(
        b.post("/executions/" + execution + "/cancel", object()),
        b.post("/executions/" + unknownExecution + "/cancel", object()),
        "EXECUTION_NOT_FOUND");

    // Nothing of it changed or ran for the other tenant: the owner still sees it as it was.
    Reply mine = a.get("/code-sessions/" + session);
    assertThat(mine.body().get("source_code").asText()).isEqualTo("print('mine')");
    assertThat(mine.body().get("version").asLong()).isEqualTo(1);
    assertThat(a.get("/code-sessions/" + session + "/executions").body().get("executions"))
        .hasSize(1);
    assertThat(a.get("/executions/" + execution).body().get("stdout").asText()).isEqualTo("mine\n");
  }

  @Test
  void whatWasCreatedWithoutKeysBelongsToTheDefaultOwner() {
    Session old = engine.createSession("python", "print(0)");

    assertThat(old.owner()).isEqualTo(Session.ANONYMOUS);
    assertProblem(a.get("/code-sessions/" + old.id()), 404, "SESSION_NOT_FOUND");
  }

  private static void assertSameAsUnknown(Reply other, Reply unknown, String code) {
    assertProblem(other, 404, code);
    assertProblem(unknown, 404, code);
    // The same detail but for the id: nothing tells an existing id from an unknown one.
    String otherDetail = other.body().get("detail").asText().replaceAll("[0-9a-f-]{36}", "ID");
    String unknownDetail = unknown.body().get("detail").asText().replaceAll("[0-9a-f-]{36}", "ID");
    assertThat(otherDetail).isEqualTo(unknownDetail);
    assertThat(other.raw().headers().map().keySet())
        .isEqualTo(unknown.raw().headers().map().keySet());
  }
}
