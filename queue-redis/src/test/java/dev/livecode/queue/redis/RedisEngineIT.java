package dev.livecode.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.Execution;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeBuilder;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.core.spi.Store;
import dev.livecode.runner.python.PythonRunner;
import dev.livecode.sandbox.Isolation;
import dev.livecode.testing.RedisExtension;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two engines in one JVM standing in for an api node and a worker node: they share one Redis (queue
 * and events) and one store, as separate processes share Redis and MySQL.
 */
class RedisEngineIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @RegisterExtension final RedisExtension redis = new RedisExtension();
  private final Store store = Store.inMemory();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    store.close();
  }

  private RedisQueue queue(Duration lease) {
    RedisQueue queue =
        RedisQueue.builder().uri(redis.url()).keyPrefix(redis.prefix()).lease(lease).build();
    open.add(queue);
    return queue;
  }

  private LivecodeBuilder engine(String name, int workers, RedisQueue queue) {
    return Livecode.builder()
        .name(name)
        .workers(workers)
        .discoverRunners(false)
        .runner(new PythonRunner())
        // The queue is under test here, not the sandbox.
        .isolation(Isolation.NONE)
        .store(store)
        .queue(queue);
  }

  private LivecodeEngine start(LivecodeBuilder builder) {
    LivecodeEngine engine = builder.build();
    open.add(engine);
    return engine;
  }

  private Execution runPython(LivecodeEngine api, String source) {
    Session session = api.createSession("python", source);
    return api.run(RunRequest.of(session.id()));
  }

  @Test
  void aSecondTenantsRunStartsWithinHalfASecondBehindAHundredRunsOfTheFirst() {
    LivecodeEngine api = start(engine("api", 0, queue(Duration.ofSeconds(30))));
    start(engine("worker", 2, queue(Duration.ofSeconds(30))));
    Session busy = api.createSession("a", "python", "import time\ntime.sleep(0.2)");
    Session other = api.createSession("b", "python", "print('b')");
    api.awaitExecution(api.run(RunRequest.of(other.id())).id(), Duration.ofSeconds(30));
    for (int i = 0; i < 100; i++) {
      api.run(RunRequest.of(busy.id()));
    }

    Execution mine = api.run(RunRequest.of(other.id()));
    Execution done = api.awaitExecution(mine.id(), Duration.ofSeconds(30));

    assertThat(done.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(Duration.between(mine.queuedAt(), done.startedAt().orElseThrow()))
        .isLessThan(Duration.ofMillis(500));
  }

  @Test
  void runsQueuedOnTheApiNodeCompleteOnTheWorkerNode() {
    LivecodeEngine api = start(engine("api", 0, queue(Duration.ofSeconds(30))));
    start(engine("worker", 2, queue(Duration.ofSeconds(30))));

    List<Execution> runs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      runs.add(runPython(api, "print(" + i + " * 7)"));
    }

    for (int i = 0; i < runs.size(); i++) {
      Execution done = api.awaitExecution(runs.get(i).id(), PATIENCE);
      assertThat(done.status()).isEqualTo(Execution.Status.COMPLETED);
      assertThat(done.result().map(Execution.Result::stdout)).contains((i * 7) + "\n");
    }
  }

  @Test
  void awaitOnTheApiNodeWakesThroughRedisTheMomentTheWorkerFinishes() {
    LivecodeEngine api = start(engine("api", 0, queue(Duration.ofSeconds(30))));
    LivecodeEngine worker = start(engine("worker", 1, queue(Duration.ofSeconds(30))));
    // Warm up the worker's interpreter path so the measured run is an ordinary one.
    assertThat(api.awaitExecution(runPython(api, "print(1)").id(), PATIENCE).isFinished()).isTrue();

    Execution queued = runPython(api, "print('hello')");
    Execution done = api.awaitExecution(queued.id(), PATIENCE);
    Instant woke = Instant.now();

    assertThat(done.status()).isEqualTo(Execution.Status.COMPLETED);
    Instant finished = done.result().orElseThrow().finishedAt();
    assertThat(Duration.between(finished, woke)).isLessThan(Duration.ofSeconds(1));
    assertThat(worker.status().workers()).isEqualTo(1);
  }

  @Test
  void jobOfAWorkerThatDiedIsRunByAnother() {
    LivecodeEngine api = start(engine("api", 0, queue(Duration.ofSeconds(30))));
    Execution queued = runPython(api, "print('survived')");
    // A worker takes the job and dies without acknowledging it.
    RedisQueue dying = RedisQueue.builder().uri(redis.url()).keyPrefix(redis.prefix()).build();
    JobQueue.Delivery lost = dying.take(Duration.ofSeconds(5)).orElseThrow();
    assertThat(store.markRunning(lost.job().executionId(), Instant.now())).isTrue();
    dying.close();
    assertThat(lost.job().executionId()).isEqualTo(queued.id());

    start(engine("worker", 1, queue(Duration.ofSeconds(2))));
    Execution done = api.awaitExecution(queued.id(), PATIENCE);

    assertThat(done.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(done.result().map(Execution.Result::stdout)).contains("survived\n");
  }

  @Test
  void jobThatKeepsKillingItsWorkersEndsFailedAndIsDeadLettered() throws InterruptedException {
    LivecodeEngine api = start(engine("api", 0, queue(Duration.ofSeconds(30))));
    Execution queued = runPython(api, "print('never')");
    RedisQueue dying = RedisQueue.builder().uri(redis.url()).keyPrefix(redis.prefix()).build();
    dying.take(Duration.ofSeconds(5)).orElseThrow();
    dying.close();

    RedisQueue workerQueue = queue(Duration.ofSeconds(1));
    start(engine("worker", 1, workerQueue).maxAttempts(1));
    Execution done = api.awaitExecution(queued.id(), PATIENCE);

    assertThat(done.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(done.result().flatMap(Execution.Result::failureReason))
        .contains(Execution.FailureReason.INTERNAL_ERROR);
    // The engine stores the result before it dead-letters the job: wait for the second step.
    List<StreamMessage<String, String>> dead = List.of();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (dead.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
      dead = redis.commands().xrange(workerQueue.deadLetterKey(), Range.create("-", "+"));
    }
    assertThat(dead)
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.getBody()).containsEntry("execution", queued.id().toString());
              assertThat(entry.getBody()).containsEntry("attempt", "2");
            });
    assertThat(workerQueue.stats().waiting()).isZero();
    assertThat(workerQueue.stats().inFlight()).isZero();
  }

  @Test
  void apiNodeRefusesRunsWhenTooManyWait() {
    LivecodeEngine api = start(engine("api", 0, queue(Duration.ofSeconds(30))).maxWaitingRuns(3));
    Session session = api.createSession("python", "print(1)");
    for (int i = 0; i < 3; i++) {
      api.run(RunRequest.of(session.id()));
    }

    assertThatThrownBy(() -> api.run(RunRequest.of(session.id())))
        .isInstanceOf(LivecodeException.QueueFull.class)
        .satisfies(e -> assertThat(((LivecodeException.QueueFull) e).waiting()).isEqualTo(3));
  }

  @Test
  void apiNodeStatusShowsQueueDepthAndLiveWorkersOfOtherNodes() throws InterruptedException {
    LivecodeEngine api = start(engine("api", 0, queue(Duration.ofSeconds(30))));
    start(engine("worker", 2, queue(Duration.ofSeconds(30))));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (api.status().liveWorkers().orElse(0) < 2 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }

    assertThat(api.status().up()).isTrue();
    assertThat(api.status().liveWorkers()).hasValue(2);
    assertThat(api.status().queueDepth()).hasValue(0);
  }
}
