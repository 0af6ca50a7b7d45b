package dev.livecode.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.livecode.core.Execution;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code GET /executions/:id/events} response: a subscriber to the engine's events that writes
 * them as server-sent events.
 *
 * <p>The engine delivers on its own threads, which must never block on a client: {@code onNext}
 * only queues the frame, and a writer task on {@link #WRITERS} writes it and flushes what is
 * queued. Demand is a window of {@link #WINDOW} events, topped up as they are written, so a client
 * that reads slowly holds at most that many frames here and the engine's log keeps the rest (it
 * copies nothing per subscriber). A write that blocks longer than {@link #STALL_NANOS} (the client
 * stopped reading) drops the connection: its thread is interrupted, which closes the channel, and
 * the client can resume with {@code Last-Event-ID}. Between events a comment keeps proxies and the
 * client from timing the connection out.
 */
final class EventStream implements Flow.Subscriber<Execution.Event>, Response.Streamed {
  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

  /** Events requested at a time: the most frames one connection queues here. */
  static final int WINDOW = 64;

  /** Under 15 s, as the tick may come up to a second late. */
  static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(14);

  /** How long one write may block before the client counts as gone. */
  static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(20);

  /** How long the headers wait for a first event before they go out without one. */
  private static final long FIRST_EVENT_MILLIS = 300;

  private static final long TICK_MILLIS = 1000;
  private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService WRITERS =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "livecode-http-events-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });
  private static final ScheduledThreadPoolExecutor TICKS =
      new ScheduledThreadPoolExecutor(
          1,
          task -> {
            Thread thread = new Thread(task, "livecode-http-events-ticks");
            thread.setDaemon(true);
            return thread;
          });
  private static final Set<EventStream> OPEN = ConcurrentHashMap.newKeySet();

  static {
    // why: the first-event fallback of nearly every stream is cancelled; it must not wake the
    // thread when it would have been due.
    TICKS.setRemoveOnCancelPolicy(true);
    TICKS.scheduleWithFixedDelay(
        EventStream::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private final ObjectMapper json;
  private final long keepAliveNanos;
  private final long stallNanos;
  private final CompletableFuture<Response> headers = new CompletableFuture<>();

  /** Frames not written yet; the closing flag. Guarded by {@code this}. */
  private final ArrayDeque<byte[]> frames = new ArrayDeque<>();

  private boolean ended;
  private boolean draining;
  private Thread writer;
  private long writeStartNanos;
  private boolean dropped;
  private long lastWriteNanos = System.nanoTime();

  /** Frames written since demand was last asked for; only the drain, one at a time, uses it. */
  private long written;

  private HttpExchange exchange;
  private volatile Flow.Subscription subscription;
  private final Runnable onEnd;
  private final AtomicBoolean endReported = new AtomicBoolean();

  EventStream(ObjectMapper json) {
    this(json, KEEP_ALIVE_NANOS, STALL_NANOS, () -> {});
  }

  /** {@code onEnd} runs once, when the stream is over whichever way: it frees the stream's slot. */
  EventStream(ObjectMapper json, Runnable onEnd) {
    this(json, KEEP_ALIVE_NANOS, STALL_NANOS, onEnd);
  }

  /** With other timings: for tests, which cannot wait for the real ones. */
  EventStream(ObjectMapper json, long keepAliveNanos, long stallNanos) {
    this(json, keepAliveNanos, stallNanos, () -> {});
  }

  private EventStream(ObjectMapper json, long keepAliveNanos, long stallNanos, Runnable onEnd) {
    this.json = json;
    this.keepAliveNanos = keepAliveNanos;
    this.stallNanos = stallNanos;
    this.onEnd = onEnd;
  }

  /**
   * The response, once the first event or error is in or a short time has passed: an unknown or
   * expired stream is then still answered with a problem document, not a stream.
   */
  CompletableFuture<Response> response() {
    ScheduledFuture<?> fallback =
        TICKS.schedule(
            () -> {
              headers.complete(streamResponse());
            },
            FIRST_EVENT_MILLIS,
            TimeUnit.MILLISECONDS);
    // Answered otherwise (the server stops, the request had a body): nothing will read the events.
    headers.whenComplete(
        (response, error) -> {
          fallback.cancel(false);
          if (error != null || response.body() != this) {
            cancel();
          }
        });
    return headers;
  }

  private Response streamResponse() {
    return new Response(
        200,
        this,
        "text/event-stream; charset=utf-8",
        Map.of("Connection", "close", "X-Accel-Buffering", "no"));
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(WINDOW);
  }

  @Override
  public void onNext(Execution.Event event) {
    byte[] frame;
    try {
      frame = frame(event);
    } catch (JsonProcessingException e) {
      onError(e);
      return;
    }
    enqueue(frame, event.kind() == Execution.Event.Kind.DONE);
    headers.complete(streamResponse());
  }

  @Override
  public void onError(Throwable error) {
    if (headers.completeExceptionally(error)) {
      return;
    }
    // The stream has begun: the client sees it end and resumes (and then gets the error itself).
    LOG.debug("event stream failed error={}", error.toString());
    enqueue(null, true);
  }

  @Override
  public void onComplete() {
    enqueue(null, true);
    headers.complete(streamResponse());
  }

  /** Called once the headers are sent: from now on the stream owns the exchange and closes it. */
  @Override
  public void start(HttpExchange exchange) {
    synchronized (this) {
      this.exchange = exchange;
      lastWriteNanos = System.nanoTime();
    }
    OPEN.add(this);
    schedule();
  }

  /** A HEAD request, or one answered before the stream began: nothing more is wanted. */
  @Override
  public void abandon() {
    cancel();
  }

  /**
   * The server stops: the client sees the stream end now, not at the next keep-alive or when the
   * server's stop delay is over, and resumes elsewhere with {@code Last-Event-ID}. A write blocked
   * on a client that does not read is interrupted rather than waited for.
   */
  @Override
  public void stop() {
    synchronized (this) {
      frames.clear();
      ended = true;
      if (writer != null && !dropped) {
        dropped = true;
        writer.interrupt();
      }
    }
    schedule();
    if (exchange == null) {
      cancel();
    }
  }

  private void enqueue(byte[] frame, boolean last) {
    synchronized (this) {
      if (ended) {
        return;
      }
      if (frame != null) {
        frames.add(frame);
      }
      ended = last;
    }
    schedule();
  }

  private void schedule() {
    synchronized (this) {
      if (draining || exchange == null) {
        return;
      }
      draining = true;
    }
    WRITERS.execute(this::drain);
  }

  private void drain() {
    OutputStream out = exchange.getResponseBody();
    while (true) {
      byte[] frame;
      boolean close;
      synchronized (this) {
        frame = frames.poll();
        close = frame == null && (ended || dropped);
        if (frame == null && !close) {
          draining = false;
          return;
        }
        if (frame != null) {
          writer = Thread.currentThread();
          writeStartNanos = System.nanoTime();
        }
      }
      if (close) {
        finish();
        return;
      }
      boolean failed = false;
      try {
        out.write(frame);
        // why: frames queued together go out in one flush, one segment and one wake-up of the
        // client, rather than one each; the last of them is flushed before the drain stops.
        boolean more;
        synchronized (this) {
          more = !frames.isEmpty();
        }
        if (!more) {
          out.flush();
        }
      } catch (IOException e) {
        failed = true;
      }
      boolean drop;
      synchronized (this) {
        writer = null;
        lastWriteNanos = System.nanoTime();
        drop = dropped || failed;
        // An interrupt aimed at a write that has just returned must not reach the next task.
        Thread.interrupted();
      }
      if (drop) {
        LOG.debug("event stream dropped reason={}", failed ? "write_failed" : "client_stalled");
        synchronized (this) {
          frames.clear();
          ended = true;
        }
        finish();
        return;
      }
      if (frame != KEEP_ALIVE) {
        replenish();
      }
    }
  }

  /**
   * Asks for the frames written again once half the window is, not one by one: each request wakes a
   * delivery thread, which for a run's few events would be one more hand-off per frame. The
   * subscription still has at least half a window of demand whenever nothing is queued here, so a
   * new event is never held back by it; at most {@link #WINDOW} frames are queued.
   */
  private void replenish() {
    if (++written < WINDOW / 2) {
      return;
    }
    long n = written;
    written = 0;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.request(n);
    }
  }

  private void finish() {
    cancel();
    OPEN.remove(this);
    try {
      exchange.close();
    } catch (RuntimeException e) {
      // The connection is gone already.
    }
    Thread.interrupted();
  }

  private void cancel() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    if (endReported.compareAndSet(false, true)) {
      onEnd.run();
    }
  }

  private static void tick() {
    long now = System.nanoTime();
    for (EventStream stream : OPEN) {
      try {
        stream.check(now);
      } catch (RuntimeException e) {
        LOG.warn("event stream check failed error={}", e.toString());
      }
    }
  }

  private void check(long now) {
    boolean keepAlive = false;
    synchronized (this) {
      if (writer != null && !dropped && now - writeStartNanos >= stallNanos) {
        dropped = true;
        writer.interrupt();
        return;
      }
      if (!ended && writer == null && frames.isEmpty() && now - lastWriteNanos >= keepAliveNanos) {
        frames.add(KEEP_ALIVE);
        lastWriteNanos = now;
        keepAlive = true;
      }
    }
    if (keepAlive) {
      schedule();
    }
  }

  private static Map<String, Object> status(Execution.Event event) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("status", event.status().name());
    if (event.restarted()) {
      data.put("restarted", true);
    }
    return data;
  }

  /** {@code id:}, {@code event:} and one {@code data:} line of JSON (JSON has no raw newline). */
  private byte[] frame(Execution.Event event) throws JsonProcessingException {
    Object data =
        switch (event.kind()) {
          case STATUS -> status(event);
          case STDOUT, STDERR -> Map.of("text", event.text());
          case DONE -> Representations.execution(event.execution().orElseThrow());
        };
    String text =
        "id: "
            + event.sequence()
            + "\nevent: "
            + event.kind().name().toLowerCase(Locale.ROOT)
            + "\ndata: "
            + json.writeValueAsString(data)
            + "\n\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
