package dev.livecode.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FinishedExecutionsTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static Execution queued(String stderr) {
    return new Execution(
        UUID.randomUUID(),
        UUID.randomUUID(),
        "python",
        "print(1)",
        "",
        Limits.DEFAULTS,
        Optional.empty(),
        Execution.Status.QUEUED,
        T,
        Optional.empty(),
        Optional.empty());
  }

  private static Execution finished(String stderr) {
    return queued(stderr)
        .finished(
            Execution.Result.failedWithoutRun(Execution.FailureReason.INTERNAL_ERROR, stderr, T));
  }

  @Test
  void returnsAFinishedExecutionItWasOffered() {
    FinishedExecutions cache = new FinishedExecutions(10, 1 << 20);
    Execution e = finished("x");

    cache.offer(e);

    assertThat(cache.find(e.id())).containsSame(e);
  }

  @Test
  void ignoresAnExecutionThatIsNotFinished() {
    FinishedExecutions cache = new FinishedExecutions(10, 1 << 20);
    Execution e = queued("");

    cache.offer(e);
    cache.offer(e.running(T));

    assertThat(cache.find(e.id())).isEmpty();
    assertThat(cache.size()).isZero();
  }

  @Test
  void neverHoldsMoreEntriesThanItsBound() {
    FinishedExecutions cache = new FinishedExecutions(3, 1 << 20);
    Execution first = finished("");

    cache.offer(first);
    for (int i = 0; i < 100; i++) {
      cache.offer(finished(""));
    }

    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.find(first.id())).as("the oldest leaves first").isEmpty();
  }

  @Test
  void neverHoldsMoreTextThanItsBound() {
    long budget = 64 * 1024;
    FinishedExecutions cache = new FinishedExecutions(1_000, budget);

    for (int i = 0; i < 100; i++) {
      cache.offer(finished("e".repeat(2_000)));
    }

    assertThat(cache.chars()).isLessThanOrEqualTo(budget);
    assertThat(cache.size()).isPositive().isLessThan(100);
  }

  @Test
  void skipsAnExecutionTooLargeForItsShareOfTheBound() {
    FinishedExecutions cache = new FinishedExecutions(1_000, 64 * 1024);
    Execution huge = finished("e".repeat(32 * 1024));

    cache.offer(huge);

    assertThat(cache.find(huge.id())).isEmpty();
  }

  @Test
  void keepsTheFirstCopyWhenOfferedTwice() {
    FinishedExecutions cache = new FinishedExecutions(10, 1 << 20);
    Execution e = finished("x");

    cache.offer(e);
    cache.offer(e);

    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.chars()).isEqualTo(8 + 1 + 256);
  }

  @Test
  void holdsNothingWhenSwitchedOff() {
    FinishedExecutions cache = new FinishedExecutions(0, 1 << 20);
    Execution e = finished("x");

    cache.offer(e);

    assertThat(cache.find(e.id())).isEmpty();
  }
}
