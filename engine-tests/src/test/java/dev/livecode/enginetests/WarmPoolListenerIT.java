package dev.livecode.enginetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.EngineListener;
import dev.livecode.core.Execution;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.runner.python.PythonRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an {@link EngineListener} hears of the warm pool, with the real python runner's warm
 * interpreters.
 */
class WarmPoolListenerIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void warmPoolHitIsToldWhenARunTakesAWaitingInterpreter() throws InterruptedException {
    List<String> warm = Collections.synchronizedList(new ArrayList<>());
    EngineListener events =
        new EngineListener() {
          @Override
          public void warmPoolHit(String language) {
            warm.add("hit " + language);
          }

          @Override
          public void warmPoolMiss(String language) {
            warm.add("miss " + language);
          }
        };
    try (LivecodeEngine engine =
        Livecode.builder()
            .workers(1)
            .warmPool(1)
            .runner(new PythonRunner())
            .listener(events)
            .discoverRunners(false)
            .build()) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!WarmPools.full(engine, "python")) {
        assertThat(System.nanoTime()).as("waiting for the python pool full").isLessThan(deadline);
        Thread.sleep(5);
      }

      Session session = engine.createSession("python", "print(1)");
      Execution done = engine.awaitExecution(engine.run(RunRequest.of(session.id())).id(), WAIT);
      assertThat(done.status().isFinal()).as("finished within %s", WAIT).isTrue();

      assertThat(warm).containsExactly("hit python");
    }
  }
}
