package dev.livecode.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.testing.TestRunners;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineStatus#pools()}: what an operator and the contracts read of each language's pool.
 */
class EngineStatusPoolsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final List<LivecodeEngine> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() {
    engines.forEach(LivecodeEngine::close);
  }

  private LivecodeEngine engine(LivecodeBuilder builder) {
    LivecodeEngine engine = builder.discoverRunners(false).runner(TestRunners.python()).build();
    engines.add(engine);
    return engine;
  }

  @Test
  void aPoolFillsCountsTheRunsItServesAndRefills() throws InterruptedException {
    // Ready sandboxes: a pool for a runner without a warm command, such as core's test runner.
    LivecodeEngine engine = engine(Livecode.builder().workers(1).readySandboxes(2));
    EngineStatus.Pool pool = awaitFull(engine);
    assertThat(pool.size()).isEqualTo(2);
    assertThat(pool.waiting()).isEqualTo(2);
    assertThat(pool.taken()).isZero();

    Session session = engine.createSession("python", "print(1)");
    Execution done = engine.awaitExecution(engine.run(RunRequest.of(session.id())).id(), WAIT);
    assertThat(done.result().orElseThrow().stdout()).isEqualTo("1\n");

    assertThat(engine.status().pools().get("python").taken()).isEqualTo(1);
    assertThat(awaitFull(engine).taken()).isEqualTo(1);
  }

  @Test
  void anEngineWithoutWorkersOrWithoutPoolsReportsNone() {
    assertThat(engine(Livecode.builder().workers(0).readySandboxes(2)).status().pools()).isEmpty();
    assertThat(engine(Livecode.builder().workers(1)).status().pools()).isEmpty();
    // A warm pool needs a warm command, which this runner does not offer.
    assertThat(engine(Livecode.builder().workers(1).warmPool(2)).status().pools()).isEmpty();
  }

  @Test
  void aPoolIsFullOnlyWhenEveryProcessItKeepsIsWaiting() {
    assertThat(new EngineStatus.Pool(2, 2, 0).full()).isTrue();
    assertThat(new EngineStatus.Pool(2, 1, 5).full()).isFalse();
    assertThat(new EngineStatus.Pool(2, 0, 0).full()).isFalse();
  }

  private static EngineStatus.Pool awaitFull(LivecodeEngine engine) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      EngineStatus.Pool pool = engine.status().pools().get("python");
      assertThat(pool).as("the python pool").isNotNull();
      if (pool.full()) {
        return pool;
      }
      assertThat(System.nanoTime()).as("the python pool full within %s", WAIT).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
