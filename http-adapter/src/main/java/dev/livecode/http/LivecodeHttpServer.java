package dev.livecode.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpServer;
import dev.livecode.core.LivecodeBuilder;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.internal.Api;
import dev.livecode.http.internal.Errors;
import dev.livecode.http.internal.RoutingHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * lets requests in progress finish for at most {@link Builder#stopDelay(Duration)}, and stops its
 * threads.
 *
 * @since 0.1
 */
public final class LivecodeHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LivecodeHttpServer.class);

  /** The port of the original service. */
  public static final int DEFAULT_PORT = 1409;
  /** Request threads: a long-polling {@code wait_ms} request holds one, so there are many. */
  public static final int DEFAULT_THREADS = 64;
  /** Largest request body: 1 MiB on top of the largest source and stdin. */
  public static final long DEFAULT_BODY_OVERHEAD_BYTES = 1024L * 1024L;
  /** How long close() lets requests in progress finish. */
  public static final Duration DEFAULT_STOP_DELAY = Duration.ofSeconds(1);

  static {
    // Without it, keep-alive clients wait ~40 ms per request (Nagle against delayed ACKs). Must be
    // set before the HttpServer implementation reads its configuration.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Duration stopDelay;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LivecodeHttpServer(HttpServer server, ExecutorService executor, Duration stopDelay) {
    this.server = server;
    this.executor = executor;
    this.stopDelay = stopDelay;
  }

  public static Builder builder(LivecodeEngine engine) {
    return new Builder(engine);
  }

  /** The port the server listens on (the real one when it was started on port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops taking requests, lets those in progress finish (bounded), stops the threads. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("http server stopping port={} delay_ms={}", port(), stopDelay.toMillis());
    server.stop((int) Math.max(0, stopDelay.toSeconds()));
    executor.shutdown();
    try {
      if (!executor.awaitTermination(stopDelay.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    LOG.info("http server stopped");
  }

  /** Settings of the server; {@link #start()} binds the port. */
  public static final class Builder {
    private final LivecodeEngine engine;
    private String host = "0.0.0.0";
    private int port = DEFAULT_PORT;
    private int threads = DEFAULT_THREADS;
    private int maxSourceBytes = LivecodeBuilder.DEFAULT_MAX_SOURCE_BYTES;
    private int maxStdinBytes = LivecodeBuilder.DEFAULT_MAX_STDIN_BYTES;
    private boolean healthOnly;
    private Duration stopDelay = DEFAULT_STOP_DELAY;

    private Builder(LivecodeEngine engine) {
      this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** The address to bind. Default: every interface. */
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

    /** Request threads. Default: {@value #DEFAULT_THREADS}. */
    public Builder threads(int value) {
      if (value < 1 || value > 4096) {
        throw new IllegalArgumentException("threads must be 1 to 4096, was " + value);
      }
      this.threads = value;
      return this;
    }

    /** Match the engine's setting: larger sources get 413 before they reach it. */
    public Builder maxSourceBytes(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxSourceBytes must be > 0, was " + value);
      }
      this.maxSourceBytes = value;
      return this;
    }

    /** Match the engine's setting: larger stdin gets 413 before it reaches it. */
    public Builder maxStdinBytes(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxStdinBytes must be > 0, was " + value);
      }
      this.maxStdinBytes = value;
      return this;
    }

    /** Serve only {@code GET /health} (a worker node). Default: false. */
    public Builder healthOnly(boolean value) {
      this.healthOnly = value;
      return this;
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
      ObjectMapper json = JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // An emoji goes out as its 4 UTF-8 bytes, not as an escaped surrogate pair.
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();
      Api api = new Api(engine, json, maxSourceBytes, maxStdinBytes);
      // JSON escapes can make a body up to 6 times its decoded text; 2x plus an overhead covers
      // ordinary clients, and the decoded sizes are checked again field by field.
      long maxBody = DEFAULT_BODY_OVERHEAD_BYTES + 2L * maxSourceBytes + 2L * maxStdinBytes;
      RoutingHandler handler = new RoutingHandler(healthOnly ? api.healthOnly() : api.routes(),
          new Errors(engine::languages), json, maxBody);
      ExecutorService executor = Executors.newFixedThreadPool(threads, new Named());
      HttpServer server;
      try {
        server = HttpServer.create(new InetSocketAddress(host, port), 256);
      } catch (IOException e) {
        executor.shutdownNow();
        throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
      }
      server.createContext("/", handler);
      server.setExecutor(executor);
      server.start();
      LivecodeHttpServer started = new LivecodeHttpServer(server, executor, stopDelay);
      LOG.info("http server started port={} threads={} health_only={} max_body_bytes={}", started.port(), threads,
          healthOnly, maxBody);
      return started;
    }
  }

  private static final class Named implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "livecode-http-" + count.incrementAndGet());
      thread.setDaemon(false);
      return thread;
    }
  }
}
