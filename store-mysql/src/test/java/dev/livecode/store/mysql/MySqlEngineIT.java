package dev.livecode.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.Page;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.spi.Store;
import dev.livecode.runner.python.PythonRunner;
import dev.livecode.sandbox.Isolation;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine on a MySqlStore: a real run is kept, and a restart interrupts what a dead node left
 * behind.
 */
class MySqlEngineIT {
  @RegisterExtension static final MySqlTestStore DB = new MySqlTestStore();

  private LivecodeEngine engine() {
    // Isolation is not what this test is about: the plain tier starts fast and probes nothing.
    return Livecode.builder()
        .store(DB.store())
        .runner(new PythonRunner())
        .discoverRunners(false)
        .workers(1)
        .isolation(Isolation.NONE)
        .build();
  }

  @Test
  void keepsARealRunsSnapshotAndOutput() {
    try (LivecodeEngine engine = engine()) {
      Session session = engine.createSession("python", "print('héllo 😀', input())");

      Execution run = engine.run(RunRequest.of(session.id()).withStdin("'; DROP TABLE x; --\n"));
      Execution done = engine.awaitExecution(run.id(), Duration.ofSeconds(20));

      assertThat(done.status()).isEqualTo(Execution.Status.COMPLETED);
      assertThat(DB.store().findExecution(run.id()).orElseThrow().result().orElseThrow().stdout())
          .isEqualTo("héllo 😀 '; DROP TABLE x; --\n");
    }
  }

  @Test
  void aRunRefusedForAFullQueueLeavesNoExecutionAndFreesItsKey() {
    try (LivecodeEngine engine =
        Livecode.builder()
            .store(DB.store())
            .runner(new PythonRunner())
            .discoverRunners(false)
            .workers(0)
            .maxWaitingRuns(1)
            .isolation(Isolation.NONE)
            .build()) {
      Session session = engine.createSession("python", "print(1)");
      Execution waiting = engine.run(RunRequest.of(session.id()));

      assertThatThrownBy(() -> engine.run(RunRequest.of(session.id()).withIdempotencyKey("k")))
          .isInstanceOf(LivecodeException.QueueFull.class);

      assertThat(DB.store().listExecutions(session.id(), Page.Request.first(10)).items())
          .extracting(Execution::id)
          .containsExactly(waiting.id());
      assertThat(
              DB.store()
                  .createExecution(
                      new Store.NewExecution(
                          UUID.randomUUID(),
                          session.id(),
                          "",
                          Limits.DEFAULTS,
                          Optional.of("k"),
                          Instant.now()))
                  .created())
          .isTrue();
    }
  }

  @Test
  void cancelledRunsAreStoredCancelledWithTheirOutput() throws InterruptedException {
    try (LivecodeEngine engine = engine()) {
      Session session = engine.createSession("python", "print('before')\nwhile True: pass\n");
      Execution running = engine.run(RunRequest.of(session.id()));
      Execution queued = engine.run(RunRequest.of(session.id()));
      CountDownLatch printed = new CountDownLatch(1);
      engine
          .events(running.id(), 0)
          .subscribe(
              new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                  subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(Execution.Event event) {
                  if (event.kind() == Execution.Event.Kind.STDOUT) {
                    printed.countDown();
                  }
                }

                @Override
                public void onError(Throwable error) {}

                @Override
                public void onComplete() {}
              });
      assertThat(printed.await(20, TimeUnit.SECONDS)).as("the program printed").isTrue();

      assertThat(engine.cancel(queued.id()).status()).isEqualTo(Execution.Status.CANCELLED);
      assertThat(engine.cancel(running.id()).status()).isEqualTo(Execution.Status.CANCELLED);

      Execution stored = DB.store().findExecution(running.id()).orElseThrow();
      assertThat(stored.status()).isEqualTo(Execution.Status.CANCELLED);
      assertThat(stored.result().orElseThrow().stdout()).isEqualTo("before\n");
      Execution never = DB.store().findExecution(queued.id()).orElseThrow();
      assertThat(never.status()).isEqualTo(Execution.Status.CANCELLED);
      assertThat(never.startedAt()).isEmpty();
    }
  }

  @Test
  void startingWithANonDurableQueueInterruptsRunsLeftUnfinished() {
    Session session;
    try (LivecodeEngine engine = engine()) {
      session = engine.createSession("python", "print(1)");
    }
    // What a node killed with kill -9 leaves behind: one run queued, one started.
    Instant then = Instant.now();
    UUID queued =
        DB.store()
            .createExecution(
                new Store.NewExecution(
                    UUID.randomUUID(), session.id(), "", Limits.DEFAULTS, Optional.empty(), then))
            .execution()
            .id();
    UUID running =
        DB.store()
            .createExecution(
                new Store.NewExecution(
                    UUID.randomUUID(), session.id(), "", Limits.DEFAULTS, Optional.empty(), then))
            .execution()
            .id();
    DB.store().markRunning(running, then);

    try (LivecodeEngine restarted = engine()) {
      for (UUID id : new UUID[] {queued, running}) {
        Execution execution = restarted.getExecution(id);
        assertThat(execution.status()).isEqualTo(Execution.Status.FAILED);
        assertThat(execution.result().orElseThrow().failureReason())
            .contains(Execution.FailureReason.INTERRUPTED);
      }
      assertThat(DB.store().findUnfinished(10)).isEmpty();
    }
  }
}
