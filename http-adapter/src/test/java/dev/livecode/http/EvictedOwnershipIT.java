package dev.livecode.http;

import static dev.livecode.http.testing.HttpClientSupport.assertProblem;
import static dev.livecode.http.testing.HttpClientSupport.object;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On the in-memory store, an execution evicted to stay within the memory budget is gone (410) for
 * its owner only: another tenant gets exactly what an unknown id gets, so that eviction tells
 * nobody which ids exist.
 */
class EvictedOwnershipIT {
  private static final String KEY_A = "key-of-tenant-a-0123456789";
  private static final String KEY_B = "key-of-tenant-b-0123456789";

  private static LivecodeEngine engine;
  private static LivecodeHttpServer server;
  private static HttpClientSupport a;
  private static HttpClientSupport b;
  private static String evicted;

  @BeforeAll
  static void evictOneOfTenantAsExecutions() {
    Map<String, Authenticator.Tenant> keys =
        Map.of(
            KEY_A, new Authenticator.Tenant("a", false),
            KEY_B, new Authenticator.Tenant("b", false));
    engine =
        Livecode.builder()
            .workers(1)
            .warmPool(0)
            .readySandboxes(0)
            .memoryStoreBudgetBytes(1024 * 1024)
            .build();
    server =
        LivecodeHttpServer.builder(engine)
            .host("127.0.0.1")
            .port(0)
            .authenticator(key -> Optional.ofNullable(keys.get(key)))
            .start();
    HttpClientSupport anonymous = new HttpClientSupport(server.port());
    a = anonymous.withKey(KEY_A);
    b = anonymous.withKey(KEY_B);
    String session = a.createSession("python", "print('x' * 300000)");
    List<String> executions = new ArrayList<>();
    // The smallest budget holds three results of 300,000 characters: the first of four goes.
    for (int i = 0; i < 4; i++) {
      executions.add(a.run(session, null));
      a.awaitEnd(executions.get(i));
    }
    evicted = executions.get(0);
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
  void theOwnerOfAnEvictedExecutionLearnsItIsGone() {
    assertProblem(a.get("/executions/" + evicted), 410, "EXECUTION_EVICTED");
  }

  @Test
  void anotherTenantGetsForAnEvictedExecutionWhatAnUnknownIdGets() {
    String unknown = UUID.randomUUID().toString();
    for (String endpoint : List.of("", "/events")) {
      Reply answered = b.get("/executions/" + evicted + endpoint);
      Reply forUnknown = b.get("/executions/" + unknown + endpoint);

      assertProblem(answered, 404, "EXECUTION_NOT_FOUND");
      assertThat(answered.raw().body().replace(evicted, "ID"))
          .isEqualTo(forUnknown.raw().body().replace(unknown, "ID"));
    }
    for (String action : List.of("/stdin", "/cancel")) {
      Reply answered = b.post("/executions/" + evicted + action, object("data", "x"));
      Reply forUnknown = b.post("/executions/" + unknown + action, object("data", "x"));

      assertThat(answered.status()).isEqualTo(forUnknown.status()).isEqualTo(404);
      assertThat(answered.raw().body().replace(evicted, "ID"))
          .isEqualTo(forUnknown.raw().body().replace(unknown, "ID"));
    }
  }
}
