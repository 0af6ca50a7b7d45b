package dev.livecode.testing;

import dev.livecode.core.Execution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test subscriber of an execution's events ({@code LivecodeEngine.events}): keeps every event
 * with the time it arrived, and waits for text or the end.
 */
public final class EventCollector implements Flow.Subscriber<Execution.Event> {
  private final List<Execution.Event> events = new ArrayList<>();
  private final List<Long> arrivals = new ArrayList<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final long initialDemand;
  private final Predicate<String> stopAfter;
  private volatile Flow.Subscription subscription;

  private EventCollector(long initialDemand, Predicate<String> stopAfter) {
    this.initialDemand = initialDemand;
    this.stopAfter = stopAfter;
  }

  public static EventCollector subscribe(Flow.Publisher<Execution.Event> publisher) {
    return subscribeUntil(publisher, stdout -> false);
  }

  /** Asks one event at a time, and cancels once the stdout so far satisfies {@code stop}. */
  public static EventCollector subscribeUntil(
      Flow.Publisher<Execution.Event> publisher, Predicate<String> stop) {
    EventCollector collector = new EventCollector(1, stop);
    publisher.subscribe(collector);
    return collector;
  }

  public static EventCollector subscribeWithoutDemand(Flow.Publisher<Execution.Event> publisher) {
    EventCollector collector = new EventCollector(0, stdout -> false);
    publisher.subscribe(collector);
    return collector;
  }

  public void request(long n) {
    subscription.request(n);
  }

  @Override
  public void onSubscribe(Flow.Subscription value) {
    subscription = value;
    if (initialDemand > 0) {
      value.request(initialDemand);
    }
  }

  @Override
  public void onNext(Execution.Event event) {
    synchronized (this) {
      events.add(event);
      arrivals.add(System.nanoTime());
      notifyAll();
    }
    if (stopAfter.test(text(Execution.Event.Kind.STDOUT))) {
      subscription.cancel();
      done.complete(null);
    } else if (initialDemand == 1) {
      subscription.request(1);
    }
  }

  @Override
  public void onError(Throwable error) {
    done.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    done.complete(null);
  }

  public void awaitDone(Duration timeout) {
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("no end of the events within " + timeout + ", got " + list(), e);
    }
  }

  /** Waits until the joined chunks of {@code stream} are exactly {@code text}. */
  public synchronized void awaitText(Execution.Event.Kind stream, String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!text(stream).equals(text)) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || done.isDone()) {
        throw new AssertionError(
            "expected " + stream + " " + text + " but got " + text(stream) + " in " + events);
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  public synchronized List<Execution.Event> list() {
    return List.copyOf(events);
  }

  public synchronized Execution.Event last() {
    return events.get(events.size() - 1);
  }

  public synchronized List<Long> sequences() {
    return events.stream().map(Execution.Event::sequence).toList();
  }

  public synchronized String text(Execution.Event.Kind stream) {
    StringBuilder text = new StringBuilder();
    events.stream()
        .filter(event -> event.kind() == stream)
        .forEach(event -> text.append(event.text()));
    return text.toString();
  }

  /** When the chunk that completed {@code line} arrived. */
  public synchronized long arrivalOf(String line) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < events.size(); i++) {
      text.append(events.get(i).text());
      if (text.indexOf(line) >= 0) {
        return arrivals.get(i);
      }
    }
    throw new AssertionError(line + " never arrived in " + events);
  }
}
