package dev.livecode.queue.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.Execution;
import dev.livecode.core.spi.ExecutionEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventMessagesTest {
  private static final UUID ID = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");

  private static ExecutionEvents.Event ended(Execution.Result result, Optional<Instant> started) {
    return new ExecutionEvents.Event(
        ID, result.status(), Optional.of(new ExecutionEvents.End(started, result)));
  }

  private static Execution.Result completed(String stdout, String stderr) {
    return new Execution.Result(
        Execution.Status.COMPLETED,
        stdout,
        stderr,
        OptionalInt.of(0),
        OptionalInt.empty(),
        Optional.empty(),
        false,
        true,
        Duration.ofNanos(3_141_592),
        Instant.ofEpochSecond(1_800_000_000L, 123_456_789));
  }

  @Test
  void aStatusWithoutEndIsTheIdAndTheStatus() {
    ExecutionEvents.Event event = new ExecutionEvents.Event(ID, Execution.Status.RUNNING);

    assertThat(EventMessages.encode(event)).isEqualTo(ID + " RUNNING");
    assertThat(EventMessages.decode(ID + " RUNNING")).isEqualTo(event);
  }

  @Test
  void anEndComesBackWhole() {
    ExecutionEvents.Event event =
        ended(
            completed("1\nline two \u00e9\u4e2d\ud83d\ude00\n", "warn\n"),
            Optional.of(Instant.ofEpochSecond(1_800_000_000L, 5)));

    assertThat(EventMessages.decode(EventMessages.encode(event))).isEqualTo(event);
  }

  @Test
  void anEndThatNeverStartedWithAFailureComesBackWhole() {
    ExecutionEvents.Event event =
        ended(
            Execution.Result.failedWithoutRun(
                Execution.FailureReason.INTERNAL_ERROR,
                "could not run",
                Instant.ofEpochSecond(7, 0)),
            Optional.empty());

    assertThat(EventMessages.decode(EventMessages.encode(event))).isEqualTo(event);
  }

  @Test
  void aLargeOutputIsLeftOutOfTheMessage() {
    ExecutionEvents.Event event =
        ended(completed("x".repeat(EventMessages.MAX_END_CHARS), "y"), Optional.empty());

    assertThat(EventMessages.encode(event)).isEqualTo(ID + " COMPLETED");
  }

  @Test
  void anEndThatCannotBeReadLeavesTheStatus() {
    assertThat(EventMessages.decode(ID + " COMPLETED\nnot an end"))
        .isEqualTo(new ExecutionEvents.Event(ID, Execution.Status.COMPLETED));
  }

  @Test
  void aMessageWithoutStatusIsRefused() {
    assertThatThrownBy(() -> EventMessages.decode(ID.toString()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
