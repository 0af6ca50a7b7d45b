package dev.livecode.queue.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class QueuedExecutionsTest {
  private static Execution queued(String source, String stdin, Optional<String> key) {
    return new Execution(
        UUID.randomUUID(),
        UUID.randomUUID(),
        "python",
        source,
        stdin,
        new Limits(
            Duration.ofMillis(5000), Duration.ofMillis(4000), 256L << 20, 64, 16L << 20, 1L << 20),
        key,
        Execution.Status.QUEUED,
        Instant.ofEpochSecond(1_800_000_000L, 123_456_789),
        Optional.empty(),
        Optional.empty(),
        true);
  }

  @Test
  void aQueuedExecutionComesBackWhole() {
    Execution execution =
        queued(
            "print('a b\\n')\n# \u00e9\ud83d\ude00 \n\n", "line 1\nline 2", Optional.of("k 1\n"));

    assertThat(
            QueuedExecutions.decode(
                execution.id(), QueuedExecutions.encode(execution).orElseThrow()))
        .contains(execution);
  }

  @Test
  void anExecutionWithoutKeyStdinOrSourceComesBackWhole() {
    Execution execution = queued("", "", Optional.empty());

    assertThat(
            QueuedExecutions.decode(
                execution.id(), QueuedExecutions.encode(execution).orElseThrow()))
        .contains(execution);
  }

  @Test
  void aLargeSourceIsNotCarried() {
    assertThat(
            QueuedExecutions.encode(
                queued("x".repeat(QueuedExecutions.MAX_CHARS), "", Optional.empty())))
        .isEmpty();
  }

  @Test
  void anotherExecutionsTextIsNotTaken() {
    Execution execution = queued("print(1)", "", Optional.empty());

    assertThat(
            QueuedExecutions.decode(
                UUID.randomUUID(), QueuedExecutions.encode(execution).orElseThrow()))
        .isEmpty();
  }

  @Test
  void textThatCannotBeReadIsNotTaken() {
    assertThat(QueuedExecutions.decode(UUID.randomUUID(), "not an execution")).isEmpty();
  }
}
