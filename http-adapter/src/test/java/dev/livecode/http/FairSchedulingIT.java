package dev.livecode.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Workers take runs round robin across tenants: a tenant's many runs do not starve another's. */
class FairSchedulingIT {

  @Test
  void aSecondTenantsRunStartsWithinHalfASecondBehindAHundredRunsOfTheFirst() {
    try (LivecodeEngine engine =
        Livecode.builder().workers(2).warmPool(2).readySandboxes(2).build()) {
      Session busy = engine.createSession("a", "python", "import time\ntime.sleep(0.2)");
      Session other = engine.createSession("b", "python", "print('b')");
      // Warm up the interpreters, so that what is measured is the queue's order.
      engine.awaitExecution(engine.run(RunRequest.of(other.id())).id(), Duration.ofSeconds(30));
      List<Execution> queued = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        queued.add(engine.run(RunRequest.of(busy.id())));
      }

      Execution mine = engine.run(RunRequest.of(other.id()));
      Execution done = engine.awaitExecution(mine.id(), Duration.ofSeconds(30));

      assertThat(done.status()).isEqualTo(Execution.Status.COMPLETED);
      Duration waited = Duration.between(mine.queuedAt(), done.startedAt().orElseThrow());
      assertThat(waited).isLessThan(Duration.ofMillis(500));
      long aStillWaiting =
          queued.stream()
              .map(e -> engine.getExecution(e.id()))
              .filter(e -> e.status() == Execution.Status.QUEUED)
              .count();
      assertThat(aStillWaiting).as("runs of the first tenant still queued").isGreaterThan(90);
    }
  }
}
