package dev.livecode.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.PrometheusText;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An application that serves HTTP from its own code chooses the registry; /metrics writes that one
 * only.
 */
class EmbeddedMetricsIT {
  private final List<AutoCloseable> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  private LivecodeEngine engine(MeterRegistry registry) {
    // No workers: runs stay queued, so the queue depth is there to see.
    LivecodeEngine engine =
        Livecode.builder().workers(0).listener(new EngineMetrics(registry)).build();
    started.add(engine);
    return engine;
  }

  private LivecodeHttpServer server(LivecodeHttpServer.Builder builder) {
    LivecodeHttpServer server = builder.port(0).threads(4).start();
    started.add(server);
    return server;
  }

  @Test
  void metricsAreTheApplicationsRegistryWithoutJvmMetersItDidNotAskFor() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("application.own").increment();
    LivecodeHttpServer server =
        server(LivecodeHttpServer.builder(engine(registry)).meterRegistry(registry));

    PrometheusText metrics = PrometheusText.scrape(server.port());

    assertThat(server.meterRegistry()).isSameAs(registry);
    assertThat(metrics.value("application_own_total", Map.of())).isEqualTo(1);
    assertThat(metrics.names())
        .contains("livecode_queue_depth", "livecode_workers_live")
        .noneMatch(name -> name.startsWith("jvm_"));
  }

  @Test
  void jvmMetersAreBoundToTheApplicationsRegistryWhenAskedFor() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LivecodeHttpServer server =
        server(
            LivecodeHttpServer.builder(engine(registry)).meterRegistry(registry).jvmMetrics(true));

    assertThat(PrometheusText.scrape(server.port()).names())
        .contains("jvm_memory_used_bytes", "process_uptime_seconds");
  }

  @Test
  void queueDepthFollowsRunsWaitingForAWorker() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LivecodeEngine engine = engine(registry);
    LivecodeHttpServer server = server(LivecodeHttpServer.builder(engine).meterRegistry(registry));
    HttpClientSupport http = new HttpClientSupport(server.port());
    assertThat(PrometheusText.scrape(server.port()).value("livecode_queue_depth", Map.of()))
        .isZero();

    http.run(http.createSession("python", "print(1)"), null);
    http.run(http.createSession("python", "print(2)"), null);

    assertThat(
            PrometheusText.awaitAtLeast(
                2,
                () -> PrometheusText.scrape(server.port()).value("livecode_queue_depth", Map.of())))
        .isEqualTo(2);
    assertThat(
            PrometheusText.scrape(server.port())
                .value("livecode_runs_queued_total", Map.of("language", "python")))
        .isEqualTo(2);
  }

  @Test
  void serverWithoutARegistryServesOneOfItsOwnWithTheJvmMeters() {
    LivecodeEngine engine = Livecode.builder().workers(0).build();
    started.add(engine);
    LivecodeHttpServer server = server(LivecodeHttpServer.builder(engine));

    PrometheusText.get(server.port(), "/languages");

    assertThat(server.meterRegistry()).isInstanceOf(PrometheusMeterRegistry.class);
    assertThat(
            PrometheusText.awaitAtLeast(
                1,
                () ->
                    PrometheusText.scrape(server.port())
                        .value(
                            "livecode_http_requests_seconds_count", Map.of("route", "/languages"))))
        .isEqualTo(1);
    assertThat(PrometheusText.scrape(server.port()).names())
        .contains("jvm_memory_used_bytes", "livecode_queue_depth");
  }

  @Test
  void registryThatIsNotPrometheusGetsTheMetersButIsNotServed() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LivecodeHttpServer server =
        server(LivecodeHttpServer.builder(engine(registry)).meterRegistry(registry));

    int status = PrometheusText.get(server.port(), "/metrics").statusCode();

    assertThat(status).isEqualTo(404);
    assertThat(
            PrometheusText.awaitAtLeast(
                1,
                () ->
                    registry
                        .find("livecode.http.requests")
                        .tag("route", "UNMATCHED")
                        .timers()
                        .stream()
                        .mapToLong(t -> t.count())
                        .sum()))
        .isEqualTo(1);
  }

  @Test
  void closingTheServerTakesItsGaugesOutOfTheApplicationsRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LivecodeHttpServer server =
        server(LivecodeHttpServer.builder(engine(registry)).meterRegistry(registry));
    assertThat(registry.find("livecode.queue.depth").gauge()).isNotNull();

    server.close();

    assertThat(registry.find("livecode.queue.depth").gauge()).isNull();
    assertThat(registry.find("livecode.workers.live").gauge()).isNull();
  }
}
