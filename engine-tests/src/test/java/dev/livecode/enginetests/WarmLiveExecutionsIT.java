package dev.livecode.enginetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.runner.node.JavaScriptRunner;
import dev.livecode.runner.python.PythonRunner;
import dev.livecode.testing.EventCollector;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live executions on warm interpreters of the real runners: output is seen as the program writes it
 * and an interactive run is answered, exactly as on a cold run (core's LiveExecutionsTest has the
 * cold runs on every tier).
 */
class WarmLiveExecutionsIT {
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static LivecodeEngine engine;

  @BeforeAll
  static void startWarmEngine() throws InterruptedException {
    engine =
        Livecode.builder()
            .name("warm-live")
            .discoverRunners(false)
            .runner(new PythonRunner())
            .runner(new JavaScriptRunner())
            .maxLimits(Limits.DEFAULT_CAPS.withWallTime(Duration.ofMinutes(2)))
            .warmPool(1)
            .workers(2)
            .build();
    awaitPoolsFull();
  }

  @AfterAll
  static void closeEngine() {
    engine.close();
  }

  private static void awaitPoolsFull() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!(WarmPools.full(engine, "python") && WarmPools.full(engine, "javascript"))) {
      assertThat(System.nanoTime()).as("the warm pools filled").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void pythonOutputOfAWarmRunIsSeenAsItIsWritten() throws InterruptedException {
    awaitPoolsFull();
    long takenBefore = WarmPools.taken(engine, "python");
    Session session =
        engine.createSession(
            "python",
            "import time\nprint('First')\ntime.sleep(0.75)\nprint('Second')\n"
                + "time.sleep(0.75)\nprint('Third')\n");
    Execution queued = engine.run(RunRequest.of(session.id()));
    EventCollector events = EventCollector.subscribe(engine.events(queued.id(), 0));

    events.awaitDone(WAIT);
    assertThat(WarmPools.taken(engine, "python")).isEqualTo(takenBefore + 1);
    assertThat(events.arrivalOf("Second") - events.arrivalOf("First"))
        .as("First arrives well before Second is written")
        .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(250));
    assertThat(events.text(Execution.Event.Kind.STDOUT))
        .isEqualTo(engine.getExecution(queued.id()).result().orElseThrow().stdout())
        .isEqualTo("First\nSecond\nThird\n");
  }

  @Test
  void nodeOutputOfAWarmRunIsSeenAsItIsWritten() throws InterruptedException {
    awaitPoolsFull();
    long takenBefore = WarmPools.taken(engine, "javascript");
    Session session =
        engine.createSession(
            "javascript",
            "console.log('First');\nsetTimeout(() => { console.log('Second');"
                + " setTimeout(() => console.log('Third'), 750); }, 750);\n");
    Execution queued = engine.run(RunRequest.of(session.id()));
    EventCollector events = EventCollector.subscribe(engine.events(queued.id(), 0));

    events.awaitDone(WAIT);
    assertThat(WarmPools.taken(engine, "javascript")).isEqualTo(takenBefore + 1);
    assertThat(events.arrivalOf("Second") - events.arrivalOf("First"))
        .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(250));
    assertThat(events.text(Execution.Event.Kind.STDOUT)).isEqualTo("First\nSecond\nThird\n");
  }

  @Test
  void aWarmInteractiveRunIsAnsweredTwiceInARow() throws InterruptedException {
    awaitPoolsFull();
    long takenBefore = WarmPools.taken(engine, "python");
    Session session =
        engine.createSession(
            "python",
            "name = input('name? ')\nprint('hello', name)\nage = input('age? ')\nprint('age', age)\n");
    Execution queued = engine.run(RunRequest.of(session.id()).withInteractive(true));
    EventCollector events = EventCollector.subscribe(engine.events(queued.id(), 0));

    events.awaitText(Execution.Event.Kind.STDOUT, "name? ", WAIT);
    engine.sendStdin(queued.id(), "Ada\n");
    events.awaitText(Execution.Event.Kind.STDOUT, "name? hello Ada\nage? ", WAIT);
    engine.sendStdin(queued.id(), "36\n");
    events.awaitDone(WAIT);

    assertThat(WarmPools.taken(engine, "python"))
        .as("the interactive run took the warm interpreter")
        .isEqualTo(takenBefore + 1);
    assertThat(engine.getExecution(queued.id()).result().orElseThrow().stdout())
        .isEqualTo("name? hello Ada\nage? age 36\n");
  }
}
