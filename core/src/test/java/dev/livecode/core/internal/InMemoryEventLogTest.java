package dev.livecode.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.exception.LivecodeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryEventLogTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void chunksCutInsideACharacterJoinToTheFinalTextAndTheRestComesBeforeDone() {
    UUID id = UUID.randomUUID();
    InMemoryEventLog log = new InMemoryEventLog(id);
    OutputBuffer stdout =
        new OutputBuffer(9, text -> log.output(Execution.Event.Kind.STDOUT, text));
    byte[] bytes = "aé€😀bcdef".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      stdout.append(new byte[] {bytes[i]}, 1);
    }
    assertThat(stdout.truncated()).isTrue();
    log.done(ended(id, stdout.text(), ProgramExecutor.withTimeoutLine("")));

    EventCollector events = EventCollector.subscribe(new EventPublisher(log, 0, executor));
    events.awaitDone(WAIT);
    assertThat(events.text(Execution.Event.Kind.STDOUT)).isEqualTo(stdout.text()).isEqualTo("aé€");
    assertThat(events.list()).extracting(Execution.Event::text).doesNotContain("\uFFFD");
    assertThat(events.text(Execution.Event.Kind.STDERR)).isEqualTo("Execution Timed Out");
    assertThat(events.last().kind()).isEqualTo(Execution.Event.Kind.DONE);
  }

  @Test
  void anEndAppendedQuietlyIsCompleteAtOnceAndHeardWhenItsActionRuns() {
    UUID id = UUID.randomUUID();
    InMemoryEventLog log = new InMemoryEventLog(id);
    AtomicInteger heard = new AtomicInteger();
    log.onChange(heard::incrementAndGet);

    Runnable tell = log.appendDone(ended(id, "", ""));

    assertThat(log.complete()).isTrue();
    assertThat(log.after(0, 10))
        .extracting(Execution.Event::kind)
        .containsExactly(Execution.Event.Kind.DONE);
    assertThat(heard).hasValue(0);
    tell.run();
    assertThat(heard).hasValue(1);
  }

  @Test
  void aSubscriberBehindWhenTheLogIsDroppedIsToldWhereItStopped() {
    UUID id = UUID.randomUUID();
    InMemoryEventLog log = new InMemoryEventLog(id);
    log.status(Execution.Status.QUEUED, false);
    log.output(Execution.Event.Kind.STDOUT, "one");
    log.output(Execution.Event.Kind.STDOUT, "two");
    EventCollector reader =
        EventCollector.subscribeUntil(new EventPublisher(log, 0, executor), out -> false);
    EventCollector stalled =
        EventCollector.subscribeWithoutDemand(new EventPublisher(log, 1, executor));
    reader.awaitText(Execution.Event.Kind.STDOUT, "onetwo", WAIT);

    log.expire();
    assertThatThrownBy(() -> stalled.awaitDone(WAIT))
        .hasRootCauseInstanceOf(LivecodeException.EventsExpired.class);
    assertThatThrownBy(() -> reader.awaitDone(WAIT))
        .hasRootCauseInstanceOf(LivecodeException.EventsExpired.class)
        .rootCause()
        .hasMessageContaining("after 3");
  }

  @Test
  void endedLogsAreDroppedOldestFirstOverTheirBudget() {
    LiveExecutions live = new LiveExecutions(Duration.ofHours(1), 2000, executor);
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    for (UUID id : new UUID[] {first, second}) {
      live.log(id).output(Execution.Event.Kind.STDOUT, "x".repeat(500));
      live.log(id).done(ended(id, "x".repeat(500), ""));
      live.ended(id);
    }
    assertThat(live.findLog(first)).isEmpty();
    assertThat(live.findLog(second)).isPresent();
  }

  @Test
  void aRestartStartsTheOutputOver() {
    UUID id = UUID.randomUUID();
    InMemoryEventLog log = new InMemoryEventLog(id);
    log.status(Execution.Status.RUNNING, false);
    log.output(Execution.Event.Kind.STDOUT, "lost ");
    log.status(Execution.Status.RUNNING, true);
    log.output(Execution.Event.Kind.STDOUT, "kept");
    log.done(ended(id, "kept and more", ""));
    assertThat(log.after(0, 100))
        .extracting(Execution.Event::text)
        .containsExactly("", "lost ", "", "kept", " and more", "");
  }

  private static Execution ended(UUID id, String stdout, String stderr) {
    Instant now = Instant.now();
    Execution queued =
        new Execution(
            id,
            UUID.randomUUID(),
            "python",
            "",
            "",
            Limits.DEFAULTS,
            Optional.empty(),
            Execution.Status.QUEUED,
            now,
            Optional.empty(),
            Optional.empty());
    return queued
        .running(now)
        .finished(
            new Execution.Result(
                Execution.Status.TIMEOUT,
                stdout,
                stderr,
                OptionalInt.empty(),
                OptionalInt.empty(),
                Optional.empty(),
                true,
                false,
                Duration.ZERO,
                now));
  }
}
