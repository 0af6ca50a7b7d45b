package dev.livecode.server.internal;

import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.LivecodeHttpServer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started server: its HTTP listener, its engine, and the store and queue it created. Closing it
 * stops in that order: no new requests, running executions finish (bounded grace), then the
 * backends close.
 */
public final class RunningServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunningServer.class);

  private final LivecodeHttpServer http;
  private final LivecodeEngine engine;
  private final List<AutoCloseable> owned;
  private final AtomicBoolean closed = new AtomicBoolean();

  RunningServer(LivecodeHttpServer http, LivecodeEngine engine, List<AutoCloseable> owned) {
    this.http = http;
    this.engine = engine;
    this.owned = List.copyOf(owned);
  }

  public int port() {
    return http.port();
  }

  public LivecodeEngine engine() {
    return engine;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("server stopping");
    http.close();
    engine.close();
    Backends.closeAll(owned);
    LOG.info("server stopped");
  }
}
