package dev.livecode.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.spi.Store;
import dev.livecode.runner.python.PythonRunner;
import dev.livecode.sandbox.Isolation;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
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
