package dev.livecode.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpServer;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.internal.Access;
import dev.livecode.http.internal.Api;
import dev.livecode.http.internal.Errors;
import dev.livecode.http.internal.MemoryQuotaCounters;
import dev.livecode.http.internal.OperationsApi;
import dev.livecode.http.internal.Playground;
import dev.livecode.http.internal.Quotas;
import dev.livecode.http.internal.RequestThreads;
import dev.livecode.http.internal.Router;
import dev.livecode.http.internal.RoutingHandler;
import dev.livecode.http.internal.ServerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link LivecodeEngine} over the REST API of docs/api.md on the JDK's HttpServer.
 *
 * <pre>{@code
 * try (LivecodeEngine engine = Livecode.builder().build();
 *      LivecodeHttpServer server = LivecodeHttpServer.builder(engine).port(1409).start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>The server does not close the engine it was given. Closing the server stops taking requests,
 * answers parked long polls with 503, ends open event streams, lets requests in progress finish for
 * at most {@link Builder#stopDelay(Duration)}, and stops its threads.
 *
 * <h2>Slow and hostile clients</h2>
 *
 * A request never waits for a thread: each one being read or answered has its own, up to {@link
 * Builder#maxConnections(int)}, and the connection of a request beyond that is closed at once. A
 * client whose request line and headers are not in within {@link Builder#headerTimeout(Duration)},
 * or whose body is not in within {@link Builder#requestTimeout(Duration)}, is dropped (408 where an
 * answer can still be written). Headers over {@link Builder#maxHeaderBytes(int)} get 431. A body is
 * read up to twice the engine's {@linkplain LivecodeEngine#sizeCaps() size caps} plus 1 MiB (413
 * beyond, unread); the engine checks the source and stdin in it, and those over its caps get 413
 * too. A long poll ({@code wait_ms}) holds no thread while it waits.
 *
 * <h2>Settings of the JDK server</h2>
 *
 * Some limits of the JDK's HTTP server are system properties, read once per JVM when the first
 * server starts. This library never sets them, since they are the embedding application's; the
 * standalone server sets those not given on its command line. Set them with {@code -D}:
 *
 * <ul>
 *   <li>{@code sun.net.httpserver.nodelay} (default false): without {@code true}, a keep-alive
 *       client waits about 40 ms per request (Nagle's algorithm against delayed ACKs).
 *   <li>{@code sun.net.httpserver.maxIdleConnections} (default 200): a keep-alive connection that
 *       becomes idle while this many are idle is closed without notice, so that a client sending
 *       its next request on it sees the connection reset. Set it to at least the number of
 *       keep-alive clients, for example to {@link Builder#maxConnections(int)}; the server logs a
 *       warning at start when it is lower.
 *   <li>{@code jdk.httpserver.maxConnections} (default unlimited): open connections, idle ones
 *       included; the JDK closes a new connection beyond it at once. Without it idle connections
 *       are bounded only by {@code sun.net.httpserver.idleInterval} (30 s).
 *   <li>{@code sun.net.httpserver.maxReqHeaderSize} (default 380 KiB): beyond it the JDK closes the
 *       connection while reading the headers, before this server can answer 431.
 *   <li>{@code sun.net.httpserver.maxRspTime} (seconds, default unlimited): how long a response may
 *       take to be written once the request is read; it also frees the JDK's record of a connection
 *       whose answer failed. Keep it above the longest {@code wait_ms} (30 s).
 * </ul>
 *
 * JDK 17.0.15 reads all five; earlier JDK 17 updates may lack {@code jdk.httpserver.maxConnections}
 * and {@code sun.net.httpserver.maxReqHeaderSize}, which this server does not depend on.
 *
 * <h2>Metrics and probes</h2>
 *
 * {@code GET /metrics} writes the Prometheus text of {@link Builder#meterRegistry(MeterRegistry)},
 * or of a registry the server creates (and closes) when none is given. The server records its
 * requests by route template ({@code /executions/{id}}, never a raw path) and the engine's queue
 * depth and live workers there; the engine's runs get there through an {@link EngineMetrics}
 * registered on the engine with the same registry. {@code GET /health/live} answers 200 while the
 * server answers at all, {@code GET /health/ready} 200 when the engine can take work and 503
 * otherwise. Both are served on a {@link Builder#healthOnly(boolean)} server too.
 *
 * @since 0.1
 */
public final class LivecodeHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LivecodeHttpServer.class);

  /** The port of the original service. */
  public static final int DEFAULT_PORT = 1409;

  /** Request threads kept started; more start on demand, up to {@link #DEFAULT_MAX_CONNECTIONS}. */
  public static final int DEFAULT_THREADS = 64;

  /** Connections being read or answered at once (each has a thread while it is). */
  public static final int DEFAULT_MAX_CONNECTIONS = 1024;

  /** Event streams one server keeps open at once, by default. */
  public static final int DEFAULT_MAX_EVENT_STREAMS = 256;

  /** Time from a request's first byte to the end of its headers. */
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(5);

  /** Time from a request's first byte to the end of its body. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** Request line and headers, in bytes: 431 above. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

  /** The JDK server's own default of {@code sun.net.httpserver.maxIdleConnections}. */
  private static final int JDK_MAX_IDLE_CONNECTIONS = 200;

  /**
   * Largest request body: 1 MiB on top of twice the engine's largest source and stdin ({@link
   * LivecodeEngine#sizeCaps()}).
   */
  public static final long DEFAULT_BODY_OVERHEAD_BYTES = 1024L * 1024L;

  /** How long close() lets requests in progress finish. */
  public static final Duration DEFAULT_STOP_DELAY = Duration.ofSeconds(1);

  /**
   * Longest {@code wait_ms} a request may ask for, holding its connection that long: a proxy or a
   * JVM-wide response time limit in front of this server must allow at least this.
   *
   * @since 0.3
   */
  public static final Duration MAX_WAIT = Api.MAX_WAIT;

  /** Connections the kernel queues before the server accepts them. */
  private static final int BACKLOG = 256;

  private final HttpServer server;
  private final RequestThreads threads;
  private final RoutingHandler handler;
  private final Duration stopDelay;
  private final ServerMetrics metrics;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LivecodeHttpServer(
      HttpServer server,
      RequestThreads threads,
      RoutingHandler handler,
      Duration stopDelay,
      ServerMetrics metrics) {
    this.server = server;
    this.threads = threads;
    this.handler = handler;
    this.stopDelay = stopDelay;
    this.metrics = metrics;
  }

  public static Builder builder(LivecodeEngine engine) {
    return new Builder(engine);
  }

  /** The port the server listens on (the real one when it was started on port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The registry this server records in: the one it was given, or the one it created. */
  public MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  /**
   * Stops taking requests, answers parked long polls with 503, ends open event streams, lets
   * requests in progress finish (bounded), stops the threads, and removes its gauges from the
   * registry (closing the registry only when it created it). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("http server stopping port={} delay_ms={}", port(), stopDelay.toMillis());
    handler.stop();
    server.stop((int) Math.max(0, stopDelay.toSeconds()));
    threads.shutdown(stopDelay.plusSeconds(1));
    metrics.close();
    LOG.info("http server stopped");
  }

  /** Settings of the server; {@link #start()} binds the port. */
  public static final class Builder {
    private final LivecodeEngine engine;
    private String host = "0.0.0.0";
    private int port = DEFAULT_PORT;
    private int threads = DEFAULT_THREADS;
    private boolean healthOnly;
    private boolean playground;
    private Duration stopDelay = DEFAULT_STOP_DELAY;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
    private int maxEventStreams = DEFAULT_MAX_EVENT_STREAMS;
    private MeterRegistry meterRegistry;
    private Boolean jvmMetrics;
    private Authenticator authenticator;
    private Authenticator.Quota defaultQuota = Authenticator.Quota.DEFAULT;
    private QuotaCounters quotaCounters;

    private Builder(LivecodeEngine engine) {
      this.engine = Objects.requireNonNull(engine, "engine");
    }

    /**
     * The address to bind. Default: every interface; a server without {@link
     * #authenticator(Authenticator)} runs code for anyone who reaches it, so bind such a server to
     * a loopback or private address.
     */
    public Builder host(String value) {
      this.host = Objects.requireNonNull(value, "host");
      return this;
    }

    /** The port; 0 picks a free one. Default: {@value #DEFAULT_PORT}. */
    public Builder port(int value) {
      if (value < 0 || value > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535, was " + value);
      }
      this.port = value;
      return this;
    }

    /**
     * Request threads kept started. More start when every one is busy, up to {@link
     * #maxConnections(int)}, and stop after 30 s without work. Default: {@value #DEFAULT_THREADS}.
     */
    public Builder threads(int value) {
      if (value < 1 || value > 4096) {
        throw new IllegalArgumentException("threads must be 1 to 4096, was " + value);
      }
      this.threads = value;
      return this;
    }

    /**
     * Where the server records its meters (requests, queue depth, live workers; the JVM's with
     * {@link #jvmMetrics(boolean)}). {@code GET /metrics} writes it when it is a {@code
     * PrometheusMeterRegistry} or a composite holding one, and is not served otherwise. The server
     * never closes a registry it was given. Default: a Prometheus registry of its own.
     */
    public Builder meterRegistry(MeterRegistry value) {
      this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /**
     * Whether to bind Micrometer's JVM meters (memory, GC, threads, processor, uptime) to the
     * registry. Default: true for the registry the server creates, false for one given (an
     * application's registry usually has them already, and GC meters bound twice count every pause
     * twice).
     */
    public Builder jvmMetrics(boolean value) {
      this.jvmMetrics = value;
      return this;
    }

    /**
     * Makes the API need keys: every request but {@code GET /health*}, {@code GET /languages},
     * {@code GET /openapi.json} and the {@linkplain #playground(boolean) playground}'s files needs
     * one that {@code value} knows (401 otherwise), sessions and executions belong to the tenant
     * that created them (another gets 404), and {@code GET /metrics} needs an admin tenant (403
     * otherwise). The access log names the tenant, never the key. Default: none, the server is open
     * and everything belongs to {@link dev.livecode.core.Session#ANONYMOUS}.
     *
     * @since 0.4
     */
    public Builder authenticator(Authenticator value) {
      this.authenticator = Objects.requireNonNull(value, "authenticator");
      return this;
    }

    /**
     * The quota of a tenant whose own leaves a field empty (and of every request to a server
     * without {@link #authenticator(Authenticator)}). A run or session over it gets 429 with {@code
     * Retry-After} and {@code RateLimit-*} headers, and nothing is queued. Default: no limits.
     *
     * @since 0.4
     */
    public Builder defaultQuota(Authenticator.Quota value) {
      this.defaultQuota = Objects.requireNonNull(value, "defaultQuota");
      return this;
    }

    /**
     * Where quotas are counted: give servers of one cluster counters on a store they share, so that
     * a tenant's quota holds across them. Default: this server's memory.
     *
     * @since 0.4
     */
    public Builder quotaCounters(QuotaCounters value) {
      this.quotaCounters = Objects.requireNonNull(value, "quotaCounters");
      return this;
    }

    /**
     * Serves the playground at {@code GET /}: a page to write, run and watch programs in a browser,
     * with its scripts, styles and editor under {@code /playground/}, all from this library's jar
     * (nothing from another site). Its files need no key, so that the page can load and then ask
     * for one; everything it does goes through the API with the key the user gives. Its
     * Content-Security-Policy allows only this server's scripts, styles and API. Not served on a
     * {@link #healthOnly(boolean)} server. Default: false.
     *
     * @since 0.5
     */
    public Builder playground(boolean value) {
      this.playground = value;
      return this;
    }

    /**
     * Serve only {@code GET /health}, the probes and {@code GET /metrics} (a worker node). Default:
     * false.
     */
    public Builder healthOnly(boolean value) {
      this.healthOnly = value;
      return this;
    }

    /**
     * Connections being read or answered at once; the connection of a request beyond is closed at
     * once. Each holds a request thread while it is read or handled (a parked long poll holds
     * none). Idle keep-alive connections count only where {@code jdk.httpserver.maxConnections} is
     * set (see the class comment). Default: {@value #DEFAULT_MAX_CONNECTIONS}.
     */
    public Builder maxConnections(int value) {
      if (value < 1 || value > 65_536) {
        throw new IllegalArgumentException("maxConnections must be 1 to 65536, was " + value);
      }
      this.maxConnections = value;
      return this;
    }

    /**
     * How long a client may take from a request's first byte to the end of its headers; a slower
     * one is dropped. Default: 5 s.
     */
    public Builder headerTimeout(Duration value) {
      this.headerTimeout = positive("headerTimeout", value);
      return this;
    }

    /**
     * How long a client may take from a request's first byte to the end of its body; a slower one
     * gets 408, or is dropped when its read is stuck. Not the time to answer. Default: 30 s.
     */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = positive("requestTimeout", value);
      return this;
    }

    /** Largest request line and headers, in bytes; larger get 431. Default: 16 KiB. */
    public Builder maxHeaderBytes(int value) {
      if (value < 1024) {
        throw new IllegalArgumentException("maxHeaderBytes must be >= 1024, was " + value);
      }
      this.maxHeaderBytes = value;
      return this;
    }

    /**
     * Event streams ({@code GET /executions/:id/events}) open at once; beyond, 503
     * TOO_MANY_STREAMS. Each may hold a writer thread while its client does not read, so this also
     * bounds those threads. Default: {@value #DEFAULT_MAX_EVENT_STREAMS}.
     */
    public Builder maxEventStreams(int value) {
      if (value < 1 || value > 65_536) {
        throw new IllegalArgumentException("maxEventStreams must be 1 to 65536, was " + value);
      }
      this.maxEventStreams = value;
      return this;
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0, was " + value);
      }
      return value;
    }

    /** How long close() lets requests in progress finish. Default: 1 s. */
    public Builder stopDelay(Duration value) {
      this.stopDelay = Objects.requireNonNull(value, "stopDelay");
      return this;
    }

    /**
     * Binds the port and starts serving.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public LivecodeHttpServer start() {
      ObjectMapper json =
          JsonMapper.builder()
              .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              // An emoji goes out as its 4 UTF-8 bytes, not as an escaped surrogate pair.
              .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
              .build();
      Access access = new Access(Optional.ofNullable(authenticator));
      QuotaCounters counters = quotaCounters == null ? new MemoryQuotaCounters() : quotaCounters;
      Api api =
          new Api(
              engine,
              json,
              access.enforced(),
              new Quotas(counters, defaultQuota, engine),
              maxEventStreams);
      // The engine checks the decoded source and stdin against its caps; this only bounds what is
      // read to get there. JSON escapes can make a body up to 6 times its decoded text; 2x plus an
      // overhead covers ordinary clients.
      LivecodeEngine.SizeCaps caps = engine.sizeCaps();
      long maxBody =
          DEFAULT_BODY_OVERHEAD_BYTES + 2L * caps.maxSourceBytes() + 2L * caps.maxStdinBytes();
      RequestThreads requestThreads =
          new RequestThreads(threads, maxConnections, headerTimeout, requestTimeout);
      ServerMetrics metrics =
          ServerMetrics.create(
              engine, Optional.ofNullable(meterRegistry), Optional.ofNullable(jvmMetrics));
      Router routes =
          new OperationsApi(engine, metrics.prometheus())
              .addTo(healthOnly ? api.healthOnly() : api.routes());
      if (playground && !healthOnly) {
        new Playground().addTo(routes);
      }
      RoutingHandler handler =
          new RoutingHandler(
              routes,
              new Errors(engine::languages),
              json,
              maxBody,
              maxHeaderBytes,
              requestThreads,
              metrics,
              access);
      HttpServer server;
      try {
        server = HttpServer.create(new InetSocketAddress(host, port), BACKLOG);
      } catch (IOException e) {
        requestThreads.close();
        metrics.close();
        throw new UncheckedIOException(
            "cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
      }
      server.createContext("/", handler);
      server.setExecutor(requestThreads);
      server.start();
      LivecodeHttpServer started =
          new LivecodeHttpServer(server, requestThreads, handler, stopDelay, metrics);
      LOG.info(
          "http server started port={} threads={} max_connections={} header_timeout_ms={} request_timeout_ms={}"
              + " max_header_bytes={} health_only={} max_body_bytes={} metrics_registry={} metrics_endpoint={}"
              + " keys={} playground={}",
          started.port(),
          threads,
          maxConnections,
          headerTimeout.toMillis(),
          requestTimeout.toMillis(),
          maxHeaderBytes,
          healthOnly,
          maxBody,
          meterRegistry == null ? "own" : meterRegistry.getClass().getSimpleName(),
          metrics.prometheus().isPresent(),
          access.enforced(),
          playground && !healthOnly);
      warnOnJdkSettings();
      return started;
    }

    /**
     * Says which JVM-wide settings of the JDK server work against this server (see the class
     * comment).
     */
    private void warnOnJdkSettings() {
      if (!Boolean.getBoolean("sun.net.httpserver.nodelay")) {
        LOG.info(
            "http server jdk setting sun.net.httpserver.nodelay is off: keep-alive clients wait ~40 ms per"
                + " request; start the JVM with -Dsun.net.httpserver.nodelay=true");
      }
      int maxIdle =
          Integer.getInteger("sun.net.httpserver.maxIdleConnections", JDK_MAX_IDLE_CONNECTIONS);
      if (maxIdle < maxConnections) {
        LOG.warn(
            "http server jdk setting sun.net.httpserver.maxIdleConnections={} is below max_connections={}:"
                + " a keep-alive connection that goes idle beyond it is closed while its client may still send on it;"
                + " start the JVM with -Dsun.net.httpserver.maxIdleConnections={}",
            maxIdle,
            maxConnections,
            maxConnections);
      }
    }
  }
}
