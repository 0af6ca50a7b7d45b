package dev.livecode.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.exception.QueueException;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
import dev.livecode.http.testing.PrometheusText;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GET /health/live answers while the server answers; GET /health/ready only while the engine can
 * take work.
 */
class HealthProbesIT {
  private final AtomicReference<Supplier<RuntimeException>> queueFailure = new AtomicReference<>();
  private LivecodeEngine engine;
  private LivecodeHttpServer server;
  private HttpClientSupport http;

  private void start(boolean healthOnly) {
    engine =
        Livecode.builder()
            .workers(1)
            .queue(OutageIT.failing(JobQueue.class, JobQueue.inMemory(), queueFailure))
            .build();
    server = LivecodeHttpServer.builder(engine).port(0).threads(4).healthOnly(healthOnly).start();
    http = new HttpClientSupport(server.port());
  }

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  @Test
  void liveAnswers200() {
    start(false);

    Reply live = http.get("/health/live");

    assertThat(live.status()).isEqualTo(200);
    assertThat(live.body().get("status").asText()).isEqualTo("UP");
  }

  @Test
  void readyAnswers200WhenTheEngineCanTakeWork() {
    start(false);

    Reply ready = http.get("/health/ready");

    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body().get("status").asText()).isEqualTo("UP");
  }

  @Test
  void readyAnswers503WhileTheQueueIsUnreachableAndLiveStays200() {
    start(false);
    queueFailure.set(() -> new QueueException("redis down"));

    Reply ready = http.get("/health/ready");

    HttpClientSupport.assertProblem(ready, 503, "NOT_READY");
    assertThat(ready.body().get("detail").asText()).contains("queue");
    assertThat(ready.header("Retry-After")).isEqualTo("1");
    assertThat(http.get("/health/live").status()).isEqualTo(200);
  }

  @Test
  void readyAnswers200AgainOnceTheQueueIsBack() {
    start(false);
    queueFailure.set(() -> new QueueException("redis down"));
    assertThat(http.get("/health/ready").status()).isEqualTo(503);

    queueFailure.set(null);

    assertThat(http.get("/health/ready").status()).isEqualTo(200);
  }

  @Test
  void readyAnswers503OnceTheEngineIsClosedAndLiveStays200() {
    start(false);

    engine.close();

    Reply ready = http.get("/health/ready");
    HttpClientSupport.assertProblem(ready, 503, "NOT_READY");
    assertThat(ready.body().get("detail").asText()).contains("closed");
    assertThat(http.get("/health/live").status()).isEqualTo(200);
  }

  @Test
  void workerNodeServesTheProbesAndMetricsButNotTheApi() {
    start(true);

    assertThat(http.get("/health/live").status()).isEqualTo(200);
    assertThat(http.get("/health/ready").status()).isEqualTo(200);
    assertThat(PrometheusText.get(server.port(), "/metrics").statusCode()).isEqualTo(200);
    HttpClientSupport.assertProblem(http.get("/languages"), 404, "NOT_FOUND");
  }

  @Test
  void healthKeepsItsOwnShape() {
    start(false);

    Reply health = http.get("/health");

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().get("status").asText()).isEqualTo("UP");
    assertThat(health.body().has("isolation")).isTrue();
  }
}
