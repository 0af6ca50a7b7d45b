package dev.livecode.http.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor the JDK server runs each request on, and the watchdog of slow clients.
 *
 * <p>The JDK server hands a connection to its executor as soon as a byte of a request arrives, and
 * the request thread then blocks reading the rest of the line and headers. A fixed pool with a
 * queue therefore lets a few dozen clients that send one byte and stop hold every thread while
 * {@code GET /health} waits in the queue. Here a request never waits for a busy thread: the pool
 * hands it to a free thread or starts one, up to {@code maxRequests} requests in progress, and
 * refuses the request beyond that (the JDK server then closes the connection at once). Threads
 * blocked on a slow client cost memory, not CPU, and the watchdog ends them: a request whose
 * headers are not in within the header timeout, or whose body is not in within the request timeout,
 * has its thread interrupted, which closes its connection ({@link RequestWatch}).
 *
 * <p>Answers to parked long polls run here too ({@link #answer}), never refused.
 */
public final class RequestThreads implements Executor, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RequestThreads.class);

  /**
   * How often the watchdog looks; a slow client is dropped at most this much after its deadline.
   */
  private static final long SCAN_MILLIS = 100;

  /** Dropped and refused requests are logged as counts at most this often, not one line each. */
  private static final long REPORT_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Threads above {@code coreThreads} stop after this long without work. */
  private static final long IDLE_SECONDS = 30;

  private final ThreadPoolExecutor pool;
  private final ScheduledExecutorService watchdog;
  private final long headerTimeoutNanos;
  private final long requestTimeoutNanos;
  private final Set<RequestWatch> inProgress = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<RequestWatch> current = new ThreadLocal<>();

  /** Tasks submitted and not finished: requests being read or handled, answers being written. */
  private final AtomicInteger inFlight = new AtomicInteger();

  private final Object submitting = new Object();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private long reportedDropped;
  private long reportedRefused;
  private long lastReport = System.nanoTime();

  /**
   * @param coreThreads threads kept started
   * @param maxRequests requests read or handled at once; more are refused
   */
  public RequestThreads(
      int coreThreads, int maxRequests, Duration headerTimeout, Duration requestTimeout) {
    this.headerTimeoutNanos = headerTimeout.toNanos();
    this.requestTimeoutNanos = requestTimeout.toNanos();
    this.pool =
        new ThreadPoolExecutor(
            Math.min(coreThreads, maxRequests),
            maxRequests,
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            new StartOrQueue(),
            new Named("livecode-http-", false),
            new ThreadPoolExecutor.AbortPolicy());
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(new Named("livecode-http-watchdog-", true));
    watchdog.scheduleWithFixedDelay(this::scan, SCAN_MILLIS, SCAN_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Runs one request of the JDK server under a watch.
   *
   * @throws RejectedExecutionException when {@code maxRequests} are in progress
   */
  @Override
  public void execute(Runnable exchange) {
    try {
      submit(() -> watched(exchange));
    } catch (RejectedExecutionException e) {
      refused.incrementAndGet();
      throw e;
    }
  }

  private void submit(Runnable task) {
    Runnable counted =
        () -> {
          try {
            task.run();
          } finally {
            inFlight.decrementAndGet();
          }
        };
    // One submitter at a time, so that StartOrQueue's count is exact for it: the JDK's dispatcher
    // and the threads answering parked requests submit concurrently otherwise.
    synchronized (submitting) {
      inFlight.incrementAndGet();
      try {
        pool.execute(counted);
      } catch (RejectedExecutionException e) {
        inFlight.decrementAndGet();
        throw e;
      }
    }
  }

  /**
   * The pool's queue: it takes a task only while some thread is free for it (idle, or done with its
   * task and on its way back), so that the pool otherwise starts a thread, or refuses the task at
   * the maximum. A request thus never waits behind busy ones, and no thread is started only because
   * the free ones had not reached the queue yet, which under CPU load would grow the pool to its
   * maximum and refuse requests with few in progress.
   */
  private final class StartOrQueue extends LinkedBlockingQueue<Runnable> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean offer(Runnable task) {
      return inFlight.get() <= pool.getPoolSize() && super.offer(task);
    }
  }

  private void watched(Runnable exchange) {
    RequestWatch watch =
        new RequestWatch(
            Thread.currentThread(), headerTimeoutNanos, requestTimeoutNanos, System.nanoTime());
    current.set(watch);
    inProgress.add(watch);
    try {
      exchange.run();
    } finally {
      watch.finish();
      inProgress.remove(watch);
      current.remove();
      // An interrupt the watchdog sent before finish() must not reach the next request.
      Thread.interrupted();
    }
  }

  /** The watch of the request this thread serves. */
  RequestWatch current() {
    RequestWatch watch = current.get();
    return watch == null ? RequestWatch.unwatched() : watch;
  }

  /** Runs the answer of a parked request; on the calling thread when every thread is busy. */
  void answer(Runnable task) {
    try {
      submit(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  private void scan() {
    try {
      long now = System.nanoTime();
      for (RequestWatch watch : inProgress) {
        RequestWatch.Phase late = watch.expireIfLate(now);
        if (late != null) {
          dropped.incrementAndGet();
          LOG.debug(
              "slow request dropped phase={}",
              late == RequestWatch.Phase.HEADERS ? "headers" : "body");
        }
      }
      if (now - lastReport >= REPORT_NANOS) {
        report(now);
      }
    } catch (RuntimeException e) {
      LOG.warn("request watchdog failed error={}", e.toString());
    }
  }

  private void report(long now) {
    long d = dropped.get();
    long r = refused.get();
    if (d != reportedDropped) {
      LOG.warn(
          "slow clients dropped count={} header_timeout_ms={} request_timeout_ms={}",
          d - reportedDropped,
          TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos),
          TimeUnit.NANOSECONDS.toMillis(requestTimeoutNanos));
    }
    if (r != reportedRefused) {
      LOG.warn(
          "requests refused count={} max_requests={}: every request thread was busy",
          r - reportedRefused,
          pool.getMaximumPoolSize());
    }
    reportedDropped = d;
    reportedRefused = r;
    lastReport = now;
  }

  /** Stops the watchdog, then the threads: bounded, as {@code wait} allows. */
  public void shutdown(Duration wait) {
    watchdog.shutdownNow();
    pool.shutdown();
    try {
      if (!pool.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(1));
  }

  private static final class Named implements ThreadFactory {
    private final String prefix;
    private final boolean daemon;
    private final AtomicInteger count = new AtomicInteger();

    Named(String prefix, boolean daemon) {
      this.prefix = prefix;
      this.daemon = daemon;
    }

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(daemon);
      return thread;
    }
  }
}
