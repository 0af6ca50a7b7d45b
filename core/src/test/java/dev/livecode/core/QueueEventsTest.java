package dev.livecode.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.spi.ExecutionEvents;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.core.testing.TestRunners;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A queue brings its own events: the engine announces finished runs on them unless told otherwise.
 */
class QueueEventsTest {

  @Test
  void theEngineAnnouncesOnTheQueuesEventsAndLeavesThemOpen() {
    QueueWithEvents queue = new QueueWithEvents();
    try (LivecodeEngine engine = engine(Livecode.builder().queue(queue))) {
      runToEnd(engine);
    }

    assertThat(queue.events.published)
        .extracting(ExecutionEvents.Event::status)
        .contains(Execution.Status.COMPLETED);
    assertThat(queue.events.closed).as("the queue's events are the queue's to close").isFalse();
  }

  @Test
  void eventsSetOnTheBuilderWinOverTheQueues() {
    QueueWithEvents queue = new QueueWithEvents();
    RecordingEvents chosen = new RecordingEvents();
    try (LivecodeEngine engine = engine(Livecode.builder().queue(queue).events(chosen))) {
      runToEnd(engine);
    }

    assertThat(chosen.published)
        .extracting(ExecutionEvents.Event::status)
        .contains(Execution.Status.COMPLETED);
    assertThat(queue.events.published).isEmpty();
  }

  @Test
  void aQueueWithoutEventsOfItsOwnGetsEventsWithinThisJvm() {
    JobQueue queue = JobQueue.inMemory();
    try (LivecodeEngine engine = engine(Livecode.builder().queue(queue))) {
      Execution done = runToEnd(engine);

      assertThat(done.status()).isEqualTo(Execution.Status.COMPLETED);
    }
  }

  private static LivecodeEngine engine(LivecodeBuilder builder) {
    return builder.workers(1).discoverRunners(false).runner(TestRunners.python()).build();
  }

  /**
   * A waiter wakes on the event, so a run that finishes within the wait proves the event arrived.
   */
  private static Execution runToEnd(LivecodeEngine engine) {
    Session session = engine.createSession("python", "print(1)");
    Execution queued = engine.run(RunRequest.of(session.id()));
    Execution done = engine.awaitExecution(queued.id(), Duration.ofSeconds(20));
    assertThat(done.status().isFinal()).isTrue();
    return done;
  }

  private static final class RecordingEvents implements ExecutionEvents {
    private final ExecutionEvents local = ExecutionEvents.local();
    final List<ExecutionEvents.Event> published = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    @Override
    public void publish(ExecutionEvents.Event event) {
      published.add(event);
      local.publish(event);
    }

    @Override
    public Subscription subscribe(Consumer<ExecutionEvents.Event> listener) {
      return local.subscribe(listener);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** The in-memory queue with events of its own, as a queue shared by several processes has. */
  private static final class QueueWithEvents implements JobQueue {
    private final JobQueue jobs = JobQueue.inMemory();
    final RecordingEvents events = new RecordingEvents();

    @Override
    public void enqueue(JobQueue.Job job) {
      jobs.enqueue(job);
    }

    @Override
    public Optional<JobQueue.Delivery> take(Duration maxWait) {
      return jobs.take(maxWait);
    }

    @Override
    public void ack(JobQueue.Delivery delivery) {
      jobs.ack(delivery);
    }

    @Override
    public JobQueue.Stats stats() {
      return jobs.stats();
    }

    @Override
    public ExecutionEvents events() {
      return events;
    }
  }
}
