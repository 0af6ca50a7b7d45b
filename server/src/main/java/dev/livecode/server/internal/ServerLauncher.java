package dev.livecode.server.internal;

import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeBuilder;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.EngineMetrics;
import dev.livecode.http.LivecodeHttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the store, queue, engine and HTTP server a {@link ServerConfig} describes, and starts
 * them.
 */
public final class ServerLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ServerLauncher.class);

  private ServerLauncher() {}

  /**
   * Starts everything. On failure, closes what was already started and rethrows.
   *
   * @throws dev.livecode.core.exception.LivecodeException when the store or queue cannot be reached
   * @throws java.io.UncheckedIOException when the port cannot be bound
   */
  public static RunningServer launch(ServerConfig config) {
    LOG.info("server configuration {}", config.describe());
    LOG.info("jdk http server settings {}", JdkHttpSettings.apply(config));
    List<AutoCloseable> owned = new ArrayList<>();
    LivecodeEngine engine = null;
    try {
      // One registry for the engine's runs and the server's requests, served at GET /metrics.
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      owned.add(metrics::close);
      LivecodeBuilder builder =
          Livecode.builder()
              .listener(new EngineMetrics(metrics))
              .workers(config.role() == ServerConfig.Role.API ? 0 : config.workers())
              .isolation(config.isolation())
              .defaultLimits(config.defaultLimits())
              .maxLimits(config.maxLimits())
              .maxSourceBytes(config.maxSourceBytes())
              .maxStdinBytes(config.maxStdinBytes())
              .maxWaitingRuns(config.maxWaitingRuns())
              .maxAttempts(config.maxAttempts())
              .warmPool(config.role() == ServerConfig.Role.API ? 0 : config.warmPool())
              .readySandboxes(config.role() == ServerConfig.Role.API ? 0 : config.readySandboxes())
              .sandboxUids(config.sandboxUidFirst(), config.sandboxUidCount())
              .shutdownGrace(config.shutdownGrace());
      config.workspaceRoot().ifPresent(builder::workspaceRoot);
      config.runnerSettings().forEach(builder::runnerSettings);
      Backends.configure(config, builder, owned, ServerLauncher.class.getClassLoader());
      Optional<KeyFile> keys = config.apiKeysFile().map(KeyFile::load);
      engine = builder.build();
      LivecodeHttpServer.Builder httpBuilder =
          LivecodeHttpServer.builder(engine)
              .host(config.host())
              .port(config.port())
              .threads(config.httpThreads())
              .maxConnections(config.maxConnections())
              .headerTimeout(config.headerTimeout())
              .requestTimeout(config.requestTimeout())
              .maxHeaderBytes(config.maxHeaderBytes())
              .maxEventStreams(config.maxEventStreams())
              .healthOnly(config.role() == ServerConfig.Role.WORKER)
              .meterRegistry(metrics)
              .jvmMetrics(true);
      keys.ifPresent(httpBuilder::authenticator);
      httpBuilder.defaultQuota(config.defaultQuota());
      if (config.queue() == ServerConfig.QueueKind.REDIS) {
        // One count per tenant for the whole cluster, not one per api node.
        RedisQuotaCounters counters =
            RedisQuotaCounters.connect(config.redisUrl(), config.redisPrefix());
        owned.add(counters);
        httpBuilder.quotaCounters(counters);
      }
      LivecodeHttpServer http = httpBuilder.start();
      if (keys.isEmpty()) {
        LOG.warn(
            "server open: no --api-keys-file, every client that reaches host={} port={} runs code"
                + " and reads every session",
            config.host(),
            http.port());
      }
      return new RunningServer(http, engine, owned);
    } catch (RuntimeException | Error e) {
      if (engine != null) {
        engine.close();
      }
      Backends.closeAll(owned);
      throw e;
    }
  }
}
