package dev.livecode.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestThreadsTest {
  private static final Duration LONG = Duration.ofMinutes(5);
  private final CountDownLatch release = new CountDownLatch(1);
  private RequestThreads threads;

  @AfterEach
  void stop() {
    release.countDown();
    if (threads != null) {
      threads.close();
    }
  }

  @Test
  void startsAThreadForARequestWhileEveryOtherThreadIsBusy() throws Exception {
    threads = new RequestThreads(1, 8, LONG, LONG);
    CountDownLatch started = new CountDownLatch(5);

    for (int i = 0; i < 5; i++) {
      threads.execute(
          () -> {
            started.countDown();
            awaitRelease();
          });
    }

    assertThat(started.await(10, TimeUnit.SECONDS)).as("all five running at once").isTrue();
  }

  @Test
  void refusesARequestBeyondTheMaximumInProgress() throws Exception {
    threads = new RequestThreads(1, 2, LONG, LONG);
    CountDownLatch started = new CountDownLatch(2);
    for (int i = 0; i < 2; i++) {
      threads.execute(
          () -> {
            started.countDown();
            awaitRelease();
          });
    }
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> threads.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void runsAnAnswerOnTheCallerWhenEveryThreadIsBusy() throws Exception {
    threads = new RequestThreads(1, 1, LONG, LONG);
    CountDownLatch started = new CountDownLatch(1);
    threads.execute(
        () -> {
          started.countDown();
          awaitRelease();
        });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    AtomicBoolean ranHere = new AtomicBoolean();
    Thread caller = Thread.currentThread();

    threads.answer(() -> ranHere.set(Thread.currentThread() == caller));

    assertThat(ranHere).isTrue();
  }

  @Test
  void interruptsARequestStillReadingItsHeadersAfterTheTimeout() throws Exception {
    threads = new RequestThreads(1, 4, Duration.ofMillis(100), LONG);
    CountDownLatch interrupted = new CountDownLatch(1);

    threads.execute(
        () -> {
          try {
            release.await(); // stands for the JDK server blocked reading the headers
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
        });

    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void neverInterruptsARequestBeingHandled() throws Exception {
    threads = new RequestThreads(1, 4, Duration.ofMillis(100), Duration.ofMillis(100));
    CountDownLatch done = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();

    threads.execute(
        () -> {
          threads.current().enterHandler();
          try {
            // Twice the header and request timeouts and their grace, handling (a slow store call).
            Thread.sleep(RequestWatch.GRACE_NANOS / 1_000_000 * 2 + 400);
          } catch (InterruptedException e) {
            interrupted.set(true);
          }
          done.countDown();
        });

    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(interrupted).isFalse();
  }

  @Test
  void aThreadWhoseRequestWasDroppedServesTheNextOneUninterrupted() throws Exception {
    threads = new RequestThreads(1, 1, Duration.ofMillis(100), LONG);
    CountDownLatch dropped = new CountDownLatch(1);
    threads.execute(
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            // As a channel read does, leave the flag set (ClosedByInterruptException).
            Thread.currentThread().interrupt();
            dropped.countDown();
          }
        });
    assertThat(dropped.await(10, TimeUnit.SECONDS)).isTrue();
    CountDownLatch next = new CountDownLatch(1);
    AtomicBoolean interruptedOnStart = new AtomicBoolean(true);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        threads.execute(
            () -> {
              interruptedOnStart.set(Thread.currentThread().isInterrupted());
              next.countDown();
            });
        break;
      } catch (RejectedExecutionException e) {
        // the one thread is still finishing the dropped request
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.onSpinWait();
      }
    }

    assertThat(next.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(interruptedOnStart).isFalse();
  }

  private void awaitRelease() {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
