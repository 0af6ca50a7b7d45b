package dev.livecode.http;

import static dev.livecode.http.testing.HttpClientSupport.object;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.exception.QueueException;
import dev.livecode.core.exception.StoreException;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.core.spi.Store;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A store or queue that fails answers 503 with Retry-After at once; a bug answers 500 without a
 * trace.
 */
class OutageIT {
  private final AtomicReference<Supplier<RuntimeException>> storeFailure = new AtomicReference<>();
  private final AtomicReference<Supplier<RuntimeException>> queueFailure = new AtomicReference<>();
  private LivecodeEngine engine;
  private LivecodeHttpServer server;
  private HttpClientSupport http;

  @BeforeEach
  void start() {
    engine =
        Livecode.builder()
            .workers(0) // runs stay queued: backpressure is visible
            .maxWaitingRuns(2)
            .store(failing(Store.class, Store.inMemory(), storeFailure))
            .queue(failing(JobQueue.class, JobQueue.inMemory(), queueFailure))
            .build();
    server = LivecodeHttpServer.builder(engine).port(0).threads(4).start();
    http = new HttpClientSupport(server.port());
  }

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  @Test
  void unreachableStoreAnswers503WithRetryAfter() {
    String session = http.createSession("python", "print(1)");
    storeFailure.set(() -> new StoreException("connection refused"));

    Reply read = http.get("/code-sessions/" + session);
    Reply created = http.post("/code-sessions", object("language", "python"));

    HttpClientSupport.assertProblem(read, 503, "STORE_UNAVAILABLE");
    assertThat(read.header("Retry-After")).isEqualTo("1");
    HttpClientSupport.assertProblem(created, 503, "STORE_UNAVAILABLE");
  }

  @Test
  void unreachableQueueAnswers503WithRetryAfter() {
    String session = http.createSession("python", "print(1)");
    queueFailure.set(() -> new QueueException("redis down"));

    Reply run = http.send("POST", "/code-sessions/" + session + "/run", null, null, Map.of());

    HttpClientSupport.assertProblem(run, 503, "QUEUE_UNAVAILABLE");
    assertThat(run.header("Retry-After")).isEqualTo("1");
    Reply health = http.get("/health");
    assertThat(health.status()).isEqualTo(503);
    assertThat(health.body().get("status").asText()).isEqualTo("DOWN");
    assertThat(health.body().get("problem").asText()).contains("queue");
  }

  @Test
  void fullQueueAnswers503WithRetryAfter() {
    String session = http.createSession("python", "print(1)");
    http.run(session, null);
    http.run(session, null);

    Reply third = http.send("POST", "/code-sessions/" + session + "/run", null, null, Map.of());

    HttpClientSupport.assertProblem(third, 503, "QUEUE_FULL");
    assertThat(third.header("Retry-After")).isNotBlank();
  }

  @Test
  void unexpectedErrorAnswers500WithAnErrorIdAndNoTrace() {
    String session = http.createSession("python", "print(1)");
    storeFailure.set(() -> new IllegalStateException("a bug with a secret detail"));

    Reply reply = http.get("/code-sessions/" + session);

    HttpClientSupport.assertProblem(reply, 500, "INTERNAL_ERROR");
    assertThat(reply.body().get("error_id").asText()).isNotBlank();
    assertThat(reply.raw().body())
        .doesNotContain("secret detail")
        .doesNotContain("IllegalStateException")
        .doesNotContain("\tat ");
  }

  /**
   * A proxy that delegates, or throws what {@code failure} supplies once it is set (close always
   * delegates).
   */
  @SuppressWarnings("unchecked")
  static <T> T failing(
      Class<T> type, T delegate, AtomicReference<Supplier<RuntimeException>> failure) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              Supplier<RuntimeException> f = failure.get();
              if (f != null
                  && !method.getName().equals("close")
                  && method.getDeclaringClass() != Object.class) {
                throw f.get();
              }
              try {
                return method.invoke(delegate, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
