package dev.livecode.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.Execution;
import dev.livecode.core.spi.ExecutionEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ExecutionEvents} must do, as its javadoc promises: a subscriber hears each
 * event published after it subscribed, once, and a publishing thread's events in the order it
 * published them; several subscribers each hear everything; a closed subscription hears nothing
 * more; a listener that throws keeps no one else from hearing; closing twice is harmless; an end
 * with a small output arrives with it. Delivery may be asynchronous, so every check waits up to
 * {@link #PATIENCE}. The SPI's delivery is best-effort across outages; this contract runs on a
 * healthy medium, where nothing is lost.
 *
 * <p>Extend it with a class that says how to open a handle ({@link #newEvents()}); handles of one
 * test share one medium, as nodes share one Redis, unless {@link #handlesShareEvents()} says
 * otherwise. The contract closes every handle it opened after each test; the subclass cleans up
 * whatever else it made (keys, connections).
 *
 * @since 0.2
 */
public abstract class ExecutionEventsContract {
  /** Long enough for a loaded CI machine, short enough to keep the suite quick. */
  protected static final Duration PATIENCE = Duration.ofSeconds(10);

  private final List<ExecutionEvents> opened = new ArrayList<>();

  /** The handle the tests publish on and subscribe to. */
  protected ExecutionEvents events;

  /** A new handle on this test's medium: another node when {@link #handlesShareEvents()}. */
  protected abstract ExecutionEvents newEvents();

  /**
   * Whether an event published on one handle from {@link #newEvents()} is heard by the subscribers
   * of another, as on two nodes. True for an implementation that connects nodes; an implementation
   * for one process only (such as {@link ExecutionEvents#local()}) says false.
   */
  protected boolean handlesShareEvents() {
    return true;
  }

  @BeforeEach
  void openEvents() {
    events = open();
  }

  @AfterEach
  void closeEvents() {
    for (ExecutionEvents handle : opened) {
      handle.close();
    }
  }

  private ExecutionEvents open() {
    ExecutionEvents handle = newEvents();
    opened.add(handle);
    return handle;
  }

  private static ExecutionEvents.Event event(Execution.Status status) {
    return new ExecutionEvents.Event(UUID.randomUUID(), status);
  }

  @Test
  void aSubscriberHearsAnEventPublishedAfterItSubscribed() {
    Heard heard = new Heard();
    events.subscribe(heard);
    ExecutionEvents.Event event = event(Execution.Status.COMPLETED);

    events.publish(event);

    assertThat(heard.await(1)).containsExactly(event);
  }

  @Test
  void aSubscriberHearsNothingPublishedBeforeItSubscribed() {
    Heard early = new Heard();
    events.subscribe(early);
    ExecutionEvents.Event before = event(Execution.Status.RUNNING);
    events.publish(before);
    early.await(1);

    Heard late = new Heard();
    events.subscribe(late);
    ExecutionEvents.Event after = event(Execution.Status.COMPLETED);
    events.publish(after);

    assertThat(early.await(2)).containsExactly(before, after);
    assertThat(late.await(1)).containsExactly(after);
  }

  @Test
  void eventsOfOnePublisherArriveOnceEachInTheOrderPublished() {
    Heard heard = new Heard();
    events.subscribe(heard);
    List<ExecutionEvents.Event> published = new ArrayList<>();
    Execution.Status[] statuses = Execution.Status.values();
    for (int i = 0; i < 100; i++) {
      ExecutionEvents.Event event = event(statuses[i % statuses.length]);
      published.add(event);
      events.publish(event);
    }
    assertThat(heard.await(published.size())).containsExactlyElementsOf(published);

    // A marker published last comes next: nothing was heard twice.
    ExecutionEvents.Event marker = event(Execution.Status.FAILED);
    events.publish(marker);
    assertThat(heard.await(published.size() + 1)).endsWith(marker);
  }

  @Test
  void everySubscriberHearsEveryEvent() {
    List<Heard> subscribers = List.of(new Heard(), new Heard(), new Heard());
    subscribers.forEach(events::subscribe);
    List<ExecutionEvents.Event> published = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ExecutionEvents.Event event = event(Execution.Status.COMPLETED);
      published.add(event);
      events.publish(event);
    }

    for (Heard subscriber : subscribers) {
      assertThat(subscriber.await(published.size())).containsExactlyElementsOf(published);
    }
  }

  @Test
  void aClosedSubscriptionHearsNothingMore() {
    Heard closing = new Heard();
    Heard staying = new Heard();
    ExecutionEvents.Subscription subscription = events.subscribe(closing);
    events.subscribe(staying);
    ExecutionEvents.Event first = event(Execution.Status.RUNNING);
    events.publish(first);
    closing.await(1);
    staying.await(1);

    subscription.close();
    ExecutionEvents.Event second = event(Execution.Status.COMPLETED);
    events.publish(second);

    // why: events reach subscribers in order, so once the open one heard the second, the closed
    // one would have heard it too.
    assertThat(staying.await(2)).containsExactly(first, second);
    assertThat(closing.all()).containsExactly(first);
  }

  @Test
  void closingASubscriptionTwiceIsHarmlessAndLeavesTheOthers() {
    Heard staying = new Heard();
    events.subscribe(staying);
    ExecutionEvents.Subscription subscription = events.subscribe(new Heard());

    subscription.close();
    subscription.close();
    ExecutionEvents.Event event = event(Execution.Status.COMPLETED);
    events.publish(event);

    assertThat(staying.await(1)).containsExactly(event);
  }

  @Test
  void closingTheEventsTwiceIsHarmless() {
    ExecutionEvents other = open();

    other.close();
    other.close();
  }

  @Test
  void aListenerThatThrowsKeepsNoOneElseFromHearing() {
    Heard before = new Heard();
    Heard after = new Heard();
    List<ExecutionEvents.Event> thrownOn = Collections.synchronizedList(new ArrayList<>());
    events.subscribe(before);
    events.subscribe(
        event -> {
          thrownOn.add(event);
          throw new IllegalStateException("a broken listener");
        });
    events.subscribe(after);
    ExecutionEvents.Event first = event(Execution.Status.RUNNING);
    ExecutionEvents.Event second = event(Execution.Status.COMPLETED);

    events.publish(first);
    events.publish(second);

    assertThat(before.await(2)).containsExactly(first, second);
    assertThat(after.await(2)).containsExactly(first, second);
    assertThat(thrownOn).containsExactly(first, second);
  }

  @Test
  void eventsPublishedFromManyThreadsAllArriveOnceEachInEachThreadsOrder() throws Exception {
    Heard heard = new Heard();
    events.subscribe(heard);
    int threads = 8;
    int perThread = 50;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService publishers = Executors.newFixedThreadPool(threads);
    List<Future<List<ExecutionEvents.Event>>> sent = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        sent.add(
            publishers.submit(
                () -> {
                  List<ExecutionEvents.Event> mine = new ArrayList<>();
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    ExecutionEvents.Event event = event(Execution.Status.COMPLETED);
                    mine.add(event);
                    events.publish(event);
                  }
                  return mine;
                }));
      }
      start.countDown();
      List<List<ExecutionEvents.Event>> byThread = new ArrayList<>();
      for (Future<List<ExecutionEvents.Event>> future : sent) {
        byThread.add(future.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
      }

      List<ExecutionEvents.Event> received = heard.await(threads * perThread);
      assertThat(received)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(byThread.stream().flatMap(List::stream).toList());
      Map<ExecutionEvents.Event, Integer> position = new java.util.HashMap<>();
      for (int i = 0; i < received.size(); i++) {
        position.put(received.get(i), i);
      }
      for (List<ExecutionEvents.Event> mine : byThread) {
        assertThat(mine.stream().map(position::get).toList())
            .as("one thread's events in its order")
            .isSorted();
      }
    } finally {
      publishers.shutdownNow();
    }
  }

  @Test
  void anotherHandleHearsWhatOneHandlePublishesAndSoDoesThePublisher() {
    if (!handlesShareEvents()) {
      return;
    }
    ExecutionEvents otherNode = open();
    Heard there = new Heard();
    Heard here = new Heard();
    otherNode.subscribe(there);
    events.subscribe(here);
    ExecutionEvents.Event event = event(Execution.Status.COMPLETED);

    events.publish(event);

    assertThat(there.await(1)).containsExactly(event);
    assertThat(here.await(1)).containsExactly(event);
  }

  @Test
  void anEndWithASmallOutputArrivesWithIt() {
    ExecutionEvents otherNode = handlesShareEvents() ? open() : events;
    Heard there = new Heard();
    otherNode.subscribe(there);
    ExecutionEvents.Event event =
        new ExecutionEvents.Event(
            UUID.randomUUID(),
            Execution.Status.FAILED,
            Optional.of(
                new ExecutionEvents.End(
                    Optional.of(Instant.ofEpochSecond(1_800_000_000L, 123_456_789)),
                    new Execution.Result(
                        Execution.Status.FAILED,
                        "out\n",
                        "Traceback\nValueError: \u00e9\n",
                        OptionalInt.of(1),
                        OptionalInt.empty(),
                        Optional.of(Execution.FailureReason.RUNTIME_ERROR),
                        false,
                        false,
                        Duration.ofMillis(12),
                        Instant.ofEpochSecond(1_800_000_001L, 7)))));

    events.publish(event);

    assertThat(there.await(1)).containsExactly(event);
  }

  @Test
  void refusesNullEventsAndListeners() {
    assertThatThrownBy(() -> events.publish(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> events.subscribe(null)).isInstanceOf(NullPointerException.class);
  }

  /** A listener that writes down what it hears, in order. */
  private static final class Heard implements Consumer<ExecutionEvents.Event> {
    private final List<ExecutionEvents.Event> events = new ArrayList<>();

    @Override
    public synchronized void accept(ExecutionEvents.Event event) {
      events.add(event);
      notifyAll();
    }

    /**
     * The first {@code count} events once heard; fails the test when they do not come within
     * PATIENCE.
     */
    synchronized List<ExecutionEvents.Event> await(int count) {
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (events.size() < count) {
        long left = deadline - System.nanoTime();
        assertThat(left)
            .as("heard %d of %d events within %s", events.size(), count, PATIENCE)
            .isPositive();
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
      return List.copyOf(events.subList(0, count));
    }

    synchronized List<ExecutionEvents.Event> all() {
      return List.copyOf(events);
    }
  }
}
