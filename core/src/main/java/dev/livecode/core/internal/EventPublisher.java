package dev.livecode.core.internal;

import dev.livecode.core.Execution;
import dev.livecode.core.exception.LivecodeException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An execution's events from a position on, to each subscriber at the pace it asks for. Every
 * subscriber is a cursor into the one shared {@link EventLog}: nothing is copied or buffered per
 * subscriber, so one that asks for nothing costs no more than one that keeps up, and never holds
 * back the program (which only appends) or the others. Events are delivered on {@code executor},
 * never on the program's output thread; no thread is held while a subscriber waits.
 */
final class EventPublisher implements Flow.Publisher<Execution.Event> {
  /** Events one delivery hands a subscriber before it lets the others have the thread. */
  private static final int BATCH = 256;

  private final EventLog log;
  private final long after;
  private final Executor executor;

  EventPublisher(EventLog log, long after, Executor executor) {
    this.log = log;
    this.after = after;
    this.executor = executor;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super Execution.Event> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    Cursor cursor = new Cursor(subscriber, log, after, executor);
    subscriber.onSubscribe(cursor);
    cursor.start();
  }

  /** One subscriber's position, its demand, and the serial drain that delivers to it. */
  private static final class Cursor implements Flow.Subscription, Runnable {
    private final Flow.Subscriber<? super Execution.Event> subscriber;
    private final EventLog log;
    private final Executor executor;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger work = new AtomicInteger();
    private volatile boolean done;
    private volatile Runnable unregister = () -> {};

    /** Written only by the drain, which {@link #work} keeps to one thread at a time. */
    private long position;

    private volatile Throwable pendingError;

    Cursor(
        Flow.Subscriber<? super Execution.Event> subscriber,
        EventLog log,
        long after,
        Executor executor) {
      this.subscriber = subscriber;
      this.log = log;
      this.executor = executor;
      this.position = Math.max(0, after);
    }

    void start() {
      if (!done) {
        unregister = log.onChange(this::signal);
        if (done) {
          unregister.run();
        }
        signal();
      }
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        pendingError = new IllegalArgumentException("request(n) needs n > 0, was " + n);
      } else {
        demand.getAndAccumulate(n, (now, more) -> now + more < 0 ? Long.MAX_VALUE : now + more);
      }
      signal();
    }

    @Override
    public void cancel() {
      done = true;
      unregister.run();
    }

    private void signal() {
      // A subscriber that asks for nothing costs an append nothing: its next request drains it.
      if (demand.get() == 0 && pendingError == null && !log.expired()) {
        return;
      }
      if (work.getAndIncrement() == 0) {
        try {
          executor.execute(this);
        } catch (RejectedExecutionException e) {
          // The engine is closing: no more deliveries.
          cancel();
        }
      }
    }

    @Override
    public void run() {
      int missed = work.get();
      while (true) {
        boolean more = drain();
        if (more) {
          // Let other subscribers have the thread: deliver the rest in a task of its own.
          try {
            executor.execute(this);
          } catch (RejectedExecutionException e) {
            cancel();
          }
          return;
        }
        missed = work.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    /**
     * Delivers what is asked for and kept, up to a batch; true when more could be delivered at
     * once.
     */
    private boolean drain() {
      if (done) {
        return false;
      }
      if (pendingError != null) {
        fail(pendingError);
        return false;
      }
      int delivered = 0;
      while (!done && demand.get() > 0) {
        if (log.expired()) {
          fail(new LivecodeException.EventsExpired(log.executionId(), position));
          return false;
        }
        int max = (int) Math.min(Math.min(demand.get(), BATCH - delivered), Integer.MAX_VALUE);
        if (max == 0) {
          return true;
        }
        List<Execution.Event> events = log.after(position, max);
        if (events.isEmpty()) {
          return false;
        }
        for (Execution.Event event : events) {
          position = event.sequence();
          demand.decrementAndGet();
          delivered++;
          try {
            subscriber.onNext(event);
          } catch (RuntimeException e) {
            // A subscriber that throws has broken the contract: it gets nothing more.
            cancel();
            return false;
          }
          if (event.kind() == Execution.Event.Kind.DONE) {
            cancel();
            subscriber.onComplete();
            return false;
          }
        }
      }
      if (!done && log.expired()) {
        fail(new LivecodeException.EventsExpired(log.executionId(), position));
      }
      return false;
    }

    private void fail(Throwable error) {
      cancel();
      subscriber.onError(error);
    }
  }
}
