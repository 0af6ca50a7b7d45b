package dev.livecode.server.internal;

import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeBuilder;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.spi.Store;
import dev.livecode.http.Authenticator;
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
              .forkServers(config.forkServer() == ServerConfig.Switch.ON)
              .sandboxUids(config.sandboxUidFirst(), config.sandboxUidCount())
              .shutdownGrace(config.shutdownGrace());
      config.workspaceRoot().ifPresent(builder::workspaceRoot);
      config.runnerSettings().forEach(builder::runnerSettings);
      Optional<Store> store =
          Backends.configure(config, builder, owned, ServerLauncher.class.getClassLoader());
      Optional<Authenticator> keys = authenticator(config, store, owned);
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
              .playground(config.playground() == ServerConfig.Switch.ON)
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
            "server open: no --api-keys-file or --api-keys-store, every client that reaches host={} port={} runs code"
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

  /**
   * Keys made with {@code keys create} while the server does not read them: an operator who forgot
   * the flag would otherwise believe the server needs them.
   */
  private static void warnIfKeysIgnored(Store.ApiKeys keys) {
    try {
      int active = keys.active().size();
      if (active > 0) {
        LOG.warn(
            "api keys in the store ignored count={}: start with --api-keys-store true to use them",
            active);
      }
    } catch (RuntimeException e) {
      LOG.debug("api keys in the store not counted error={}", e.getClass().getSimpleName());
    }
  }

  /** The key file and the store's keys, as configured; empty for an open server. */
  private static Optional<Authenticator> authenticator(
      ServerConfig config, Optional<Store> store, List<AutoCloseable> owned) {
    List<Authenticator> sources = new ArrayList<>();
    config.apiKeysFile().map(KeyFile::load).ifPresent(sources::add);
    if (config.apiKeysStore()) {
      Store.ApiKeys keys =
          store
              .flatMap(Store::apiKeys)
              .orElseThrow(
                  () -> new ConfigException("--api-keys-store: the chosen store keeps no keys"));
      StoreKeys storeKeys = StoreKeys.start(keys);
      owned.add(storeKeys);
      sources.add(storeKeys);
    }
    if (!config.apiKeysStore()) {
      store.flatMap(Store::apiKeys).ifPresent(ServerLauncher::warnIfKeysIgnored);
    }
    if (sources.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(sources.size() == 1 ? sources.get(0) : new AnyOfKeys(sources));
  }
}
