package dev.livecode.server;

import static dev.livecode.http.testing.HttpClientSupport.object;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.PrometheusText;
import dev.livecode.server.internal.RunningServer;
import dev.livecode.server.internal.ServerConfig;
import dev.livecode.server.internal.ServerLauncher;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /metrics of the standalone server: every family, and figures that move when runs happen. */
class MetricsIT {
  private static final Map<String, String> PYTHON = Map.of("language", "python");
  private static final Map<String, String> PYTHON_COMPLETED =
      Map.of("language", "python", "status", "COMPLETED", "reason", "none");

  private static RunningServer server;
  private static HttpClientSupport http;

  @BeforeAll
  static void start() {
    server =
        ServerLauncher.launch(
            ServerConfig.parse(new String[] {"--port", "0", "--workers", "2"}, Map.of()));
    http = new HttpClientSupport(server.port());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static PrometheusText scrape() {
    return PrometheusText.scrape(server.port());
  }

  @Test
  void metricsShowEveryFamilyOnceARunHappened() {
    http.runToEnd("python", "print('families')", null);
    PrometheusText.awaitAtLeast(1, () -> scrape().value("livecode_runs_total", PYTHON_COMPLETED));

    PrometheusText metrics = scrape();

    assertThat(metrics.names())
        .contains(
            "livecode_runs_total",
            "livecode_runs_queued_total",
            "livecode_run_duration_seconds_bucket",
            "livecode_run_duration_seconds_count",
            "livecode_queue_wait_seconds_bucket",
            "livecode_queue_wait_seconds_count",
            "livecode_queue_depth",
            "livecode_workers_live",
            "livecode_http_requests_seconds_count",
            "jvm_memory_used_bytes",
            "jvm_gc_memory_allocated_bytes_total",
            "jvm_threads_live_threads",
            "system_cpu_count",
            "process_uptime_seconds");
    assertThat(metrics.names())
        .containsAnyOf("livecode_warm_pool_hits_total", "livecode_warm_pool_misses_total");
  }

  @Test
  void pythonPrintCountsOneCompletedRunWithItsRunTimeAndQueueWait() {
    PrometheusText before = scrape();

    http.runToEnd("python", "print('counted')", null);
    double runs =
        PrometheusText.awaitAtLeast(
            before.value("livecode_runs_total", PYTHON_COMPLETED) + 1,
            () -> scrape().value("livecode_runs_total", PYTHON_COMPLETED));
    PrometheusText after = scrape();

    assertThat(runs).isEqualTo(before.value("livecode_runs_total", PYTHON_COMPLETED) + 1);
    assertThat(after.value("livecode_run_duration_seconds_count", PYTHON))
        .isEqualTo(before.value("livecode_run_duration_seconds_count", PYTHON) + 1);
    assertThat(after.value("livecode_run_duration_seconds_sum", PYTHON))
        .isGreaterThan(before.value("livecode_run_duration_seconds_sum", PYTHON));
    assertThat(after.value("livecode_queue_wait_seconds_count", PYTHON))
        .isEqualTo(before.value("livecode_queue_wait_seconds_count", PYTHON) + 1);
    assertThat(after.value("livecode_runs_queued_total", PYTHON))
        .isEqualTo(before.value("livecode_runs_queued_total", PYTHON) + 1);
  }

  @Test
  void failedRunIsCountedUnderItsStatusAndReason() {
    Map<String, String> runtimeError =
        Map.of("language", "python", "status", "FAILED", "reason", "RUNTIME_ERROR");
    double before = scrape().value("livecode_runs_total", runtimeError);

    http.runToEnd("python", "raise SystemExit(3)", null);

    assertThat(
            PrometheusText.awaitAtLeast(
                before + 1, () -> scrape().value("livecode_runs_total", runtimeError)))
        .isEqualTo(before + 1);
  }

  @Test
  void runWithTheDefaultLimitsIsAWarmPoolHitOrMiss() {
    PrometheusText before = scrape();
    double pooled =
        before.value("livecode_warm_pool_hits_total", PYTHON)
            + before.value("livecode_warm_pool_misses_total", PYTHON);

    http.runToEnd("python", "print('pooled')", null);
    PrometheusText.awaitAtLeast(
        before.value("livecode_runs_total", PYTHON) + 1,
        () -> scrape().value("livecode_runs_total", PYTHON));
    PrometheusText after = scrape();

    assertThat(
            after.value("livecode_warm_pool_hits_total", PYTHON)
                + after.value("livecode_warm_pool_misses_total", PYTHON))
        .isEqualTo(pooled + 1);
  }

  @Test
  void httpRequestsAreCountedByRouteTemplateAndStatusNeverByPath() {
    String session = http.createSession("python", "print(1)");
    String execution = http.run(session, null);
    http.awaitEnd(execution);
    Map<String, String> executionRoute =
        Map.of("method", "GET", "route", "/executions/{id}", "status", "200");
    double before = scrape().value("livecode_http_requests_seconds_count", executionRoute);

    assertThat(http.get("/executions/" + execution).status()).isEqualTo(200);

    assertThat(
            PrometheusText.awaitAtLeast(
                before + 1,
                () -> scrape().value("livecode_http_requests_seconds_count", executionRoute)))
        .isEqualTo(before + 1);
    PrometheusText metrics = scrape();
    assertThat(
            metrics.value(
                "livecode_http_requests_seconds_count",
                Map.of("method", "POST", "route", "/code-sessions/{id}/run", "status", "200")))
        .isPositive();
    assertThat(metrics.text()).doesNotContain(session).doesNotContain(execution);
  }

  @Test
  void requestsToNoRouteAreCountedUnderOneLabelWhateverTheirPathAndMethod() {
    Map<String, String> unmatched =
        Map.of("method", "OTHER", "route", "UNMATCHED", "status", "404");
    double before = scrape().value("livecode_http_requests_seconds_count", unmatched);

    http.send("BREW", "/no-such-place/pot-42", null, null, Map.of());

    assertThat(
            PrometheusText.awaitAtLeast(
                before + 1,
                () -> scrape().value("livecode_http_requests_seconds_count", unmatched)))
        .isEqualTo(before + 1);
    assertThat(scrape().text()).doesNotContain("no-such-place").doesNotContain("BREW");
  }

  @Test
  void liveWorkersAndQueueDepthAreGaugesOfTheEngine() {
    PrometheusText metrics = scrape();

    assertThat(metrics.value("livecode_workers_live", Map.of())).isEqualTo(2);
    assertThat(metrics.named("livecode_queue_depth"))
        .singleElement()
        .satisfies(depth -> assertThat(depth.value()).isGreaterThanOrEqualTo(0));
  }

  @Test
  void metricsCarryNoSourceAndNoOutput() {
    http.runToEnd(
        "python", "print('secret-' + 'output-7731')", object("stdin", "secret-stdin-7731"));

    assertThat(scrape().text()).doesNotContain("secret-").doesNotContain("7731");
  }
}
