package dev.livecode.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.Execution;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.spi.ExecutionEvents;
import dev.livecode.core.spi.Store;
import dev.livecode.runner.python.PythonRunner;
import dev.livecode.sandbox.Isolation;
import dev.livecode.testing.EventCollector;
import dev.livecode.testing.RedisExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Live events across nodes: an api engine without workers and a worker engine share one Redis and
 * one store, as an api process and a worker process do; what the worker's program writes reaches
 * subscribers of either engine with the same numbers.
 */
class RedisLiveEventsIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String FIRST_SECOND_THIRD =
      "import time\nprint('First')\ntime.sleep(0.75)\nprint('Second')\ntime.sleep(0.75)\nprint('Third')";

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

  private RedisQueue queue() {
    RedisQueue queue = RedisQueue.builder().uri(redis.url()).keyPrefix(redis.prefix()).build();
    open.add(queue);
    return queue;
  }

  private LivecodeEngine engine(String name, int workers) {
    return engine(name, workers, store);
  }

  private LivecodeEngine engine(String name, int workers, Store store) {
    LivecodeEngine engine =
        Livecode.builder()
            .maxStdinBytes(64)
            .name(name)
            .workers(workers)
            .discoverRunners(false)
            .runner(new PythonRunner())
            .isolation(Isolation.NONE)
            .store(store)
            .queue(queue())
            .build();
    open.add(engine);
    return engine;
  }

  private static Execution run(LivecodeEngine api, String source) {
    Session session = api.createSession("python", source);
    return api.run(RunRequest.of(session.id()));
  }

  private static Execution runInteractive(LivecodeEngine api, String source) {
    Session session = api.createSession("python", source);
    return api.run(RunRequest.of(session.id()).withInteractive(true));
  }

  @Test
  void inputOfAProgramOnTheWorkerIsAnsweredTwiceThroughTheApiNode() {
    LivecodeEngine api = engine("api", 0);
    engine("worker", 1);
    Execution execution =
        runInteractive(api, "a = input()\nprint('got ' + a)\nb = input()\nprint('got ' + b)");
    EventCollector events = EventCollector.subscribe(api.events(execution.id(), 0));

    api.sendStdin(execution.id(), "one\n");
    events.awaitText(Execution.Event.Kind.STDOUT, "got one\n", PATIENCE);
    api.sendStdin(execution.id(), "two\n");
    events.awaitDone(PATIENCE);

    assertThat(events.text(Execution.Event.Kind.STDOUT)).isEqualTo("got one\ngot two\n");
    assertThat(events.last().status()).isEqualTo(Execution.Status.COMPLETED);
  }

  @Test
  void stdinSentThroughTheApiNodeWhileQueuedReachesTheProgramWhenAWorkerStartsIt() {
    LivecodeEngine api = engine("api", 0);
    Execution execution = runInteractive(api, "import sys\nprint(sys.stdin.read().upper())");
    api.sendStdin(execution.id(), "early");
    api.closeStdin(execution.id());

    engine("worker", 1);

    Execution ended = api.awaitExecution(execution.id(), PATIENCE);
    assertThat(ended.result().orElseThrow().stdout()).isEqualTo("EARLY\n");
  }

  @Test
  void stdinAfterTheApiNodeClosedItIsRefused() {
    LivecodeEngine api = engine("api", 0);
    Execution execution = runInteractive(api, "print(1)");
    api.closeStdin(execution.id());

    assertThatThrownBy(() -> api.sendStdin(execution.id(), "late"))
        .isInstanceOf(LivecodeException.ExecutionConflict.class);
  }

  @Test
  void stdinPastTheCapInAllIsRefusedAcrossSends() {
    LivecodeEngine api = engine("api", 0);
    Execution execution = runInteractive(api, "print(1)");
    api.sendStdin(execution.id(), "x".repeat(40));

    assertThatThrownBy(() -> api.sendStdin(execution.id(), "y".repeat(40)))
        .isInstanceOfSatisfying(
            LivecodeException.InvalidRequest.class, e -> assertThat(e.isTooLarge()).isTrue());
    assertThat(api.sendStdin(execution.id(), "z".repeat(24))).isEqualTo(24);
  }

  @Test
  void stdinToARunThatIsNotInteractiveIsAConflictOnTheApiNode() {
    LivecodeEngine api = engine("api", 0);
    Execution execution = run(api, "print(1)");

    assertThatThrownBy(() -> api.sendStdin(execution.id(), "x"))
        .isInstanceOf(LivecodeException.ExecutionConflict.class);
  }

  @Test
  void aRunCancelledThroughTheApiNodeStopsOnTheWorkerKeepingItsOutput() {
    LivecodeEngine api = engine("api", 0);
    engine("worker", 1);
    Execution execution = run(api, "print('spinning', flush=True)\nwhile True: pass");
    EventCollector events =
        EventCollector.subscribeUntil(
            api.events(execution.id(), 0), stdout -> stdout.contains("spinning\n"));
    events.awaitDone(PATIENCE);

    Execution cancelled = api.cancel(execution.id());

    assertThat(cancelled.status()).isEqualTo(Execution.Status.CANCELLED);
    assertThat(cancelled.result().orElseThrow().stdout()).isEqualTo("spinning\n");
    assertThat(api.cancel(execution.id()).status()).isEqualTo(Execution.Status.CANCELLED);
  }

  @Test
  void aRunCancelledWhileQueuedNeverStartsWhenAWorkerComes() throws Exception {
    LivecodeEngine api = engine("api", 0);
    Execution execution = run(api, "print('ran')");

    Execution cancelled = api.cancel(execution.id());
    LivecodeEngine worker = engine("worker", 1);
    Execution later = run(api, "print('after')");
    api.awaitExecution(later.id(), PATIENCE);

    assertThat(cancelled.status()).isEqualTo(Execution.Status.CANCELLED);
    assertThat(worker.getExecution(execution.id()).startedAt()).isEmpty();
    assertThat(worker.getExecution(execution.id()).status()).isEqualTo(Execution.Status.CANCELLED);
  }

  @Test
  void aCancelKeptInTheSharedLogStopsAQueuedRunEvenWhenItsSenderDiedBeforeEndingIt() {
    LivecodeEngine api = engine("api", 0);
    Execution execution = run(api, "print('ran')");
    // What a cancelling node that died right after sending leaves behind: the request, no end.
    queue()
        .events()
        .liveLogs()
        .orElseThrow()
        .send(execution.id(), ExecutionEvents.LiveLogs.Request.cancel(), 0);

    engine("worker", 1);

    Execution ended = api.awaitExecution(execution.id(), PATIENCE);
    assertThat(ended.status()).isEqualTo(Execution.Status.CANCELLED);
    assertThat(ended.startedAt()).isEmpty();
  }

  @Test
  void aSubscriberOnTheApiNodeSeesEachChunkOfTheWorkersProgramAsItIsWritten() {
    LivecodeEngine api = engine("api", 0);
    engine("worker", 1);
    Execution execution = run(api, FIRST_SECOND_THIRD);

    EventCollector events = EventCollector.subscribe(api.events(execution.id(), 0));
    events.awaitDone(PATIENCE);

    assertThat(events.text(Execution.Event.Kind.STDOUT)).isEqualTo("First\nSecond\nThird\n");
    assertThat(events.arrivalOf("Second") - events.arrivalOf("First"))
        .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(500));
  }

  @Test
  void theEndACopiedDoneReadsFromTheStoreServesTheClientsOfTheResult() {
    LongAdder endReads = new LongAdder();
    Store counting = countingFinishedReads(store, endReads);
    LivecodeEngine api = engine("api", 0, counting);
    engine("worker", 1, counting);
    Execution execution = run(api, "print(1)");
    EventCollector events = EventCollector.subscribe(api.events(execution.id(), 0));
    events.awaitDone(PATIENCE);

    Execution ended = api.awaitExecution(execution.id(), PATIENCE);

    assertThat(ended.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(events.last().execution()).contains(ended);
    assertThat(endReads.sum()).isEqualTo(1);
  }

  /** {@code store}, counting the reads of an execution that find it ended. */
  private static Store countingFinishedReads(Store store, LongAdder reads) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("findExecution")
              && result instanceof Optional<?> found
              && found.filter(e -> ((Execution) e).isFinished()).isPresent()) {
            reads.increment();
          }
          return result;
        };
    return (Store)
        Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, handler);
  }

  @Test
  void theEventsAreNumberedFromOneWithoutGapsAcrossTheNodesThatWroteThem() {
    LivecodeEngine api = engine("api", 0);
    engine("worker", 1);
    Execution execution = run(api, "print('a')\nimport sys\nprint('b', file=sys.stderr)");

    EventCollector events = EventCollector.subscribe(api.events(execution.id(), 0));
    events.awaitDone(PATIENCE);

    List<Execution.Event> list = events.list();
    assertThat(events.sequences())
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, list.size()).boxed().toList());
    assertThat(list.get(0).status()).isEqualTo(Execution.Status.QUEUED);
    assertThat(list.get(1).status()).isEqualTo(Execution.Status.RUNNING);
    Execution ended = list.get(list.size() - 1).execution().orElseThrow();
    assertThat(ended.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(events.text(Execution.Event.Kind.STDOUT))
        .isEqualTo(ended.result().orElseThrow().stdout());
    assertThat(events.text(Execution.Event.Kind.STDERR))
        .isEqualTo(ended.result().orElseThrow().stderr());
  }

  @Test
  void aSubscriberResumingOnAnotherNodeGetsExactlyTheEventsAfterItsLast() {
    LivecodeEngine nodeA = engine("a", 0);
    LivecodeEngine nodeB = engine("b", 0);
    engine("worker", 1);
    Execution execution = run(nodeA, FIRST_SECOND_THIRD);
    EventCollector untilSecond =
        EventCollector.subscribeUntil(
            nodeA.events(execution.id(), 0), stdout -> stdout.contains("Second\n"));
    untilSecond.awaitDone(PATIENCE);
    long last = untilSecond.last().sequence();

    EventCollector rest = EventCollector.subscribe(nodeB.events(execution.id(), last));
    rest.awaitDone(PATIENCE);

    assertThat(rest.text(Execution.Event.Kind.STDOUT)).isEqualTo("Third\n");
    assertThat(rest.list().get(0).sequence()).isEqualTo(last + 1);
    assertThat(rest.last().kind()).isEqualTo(Execution.Event.Kind.DONE);
  }

  @Test
  void anEndedRunReplaysTheSameEventsOnEveryNode() {
    LivecodeEngine nodeA = engine("a", 0);
    LivecodeEngine worker = engine("worker", 1);
    Execution execution = run(nodeA, "print('x' * 10)\nprint('y')");
    nodeA.awaitExecution(execution.id(), PATIENCE);
    EventCollector onA = EventCollector.subscribe(nodeA.events(execution.id(), 0));
    onA.awaitDone(PATIENCE);

    LivecodeEngine nodeB = engine("b", 0);
    EventCollector onB = EventCollector.subscribe(nodeB.events(execution.id(), 0));
    onB.awaitDone(PATIENCE);
    EventCollector onWorker = EventCollector.subscribe(worker.events(execution.id(), 0));
    onWorker.awaitDone(PATIENCE);

    assertThat(onB.list()).isEqualTo(onA.list());
    assertThat(onWorker.list()).isEqualTo(onA.list());
  }

  @Test
  void theApiNodeShowsTheOutputSoFarOfARunOnTheWorker() throws Exception {
    LivecodeEngine api = engine("api", 0);
    engine("worker", 1);
    Execution execution = run(api, "import time\nprint('early', flush=True)\ntime.sleep(2)");
    EventCollector events =
        EventCollector.subscribeUntil(
            api.events(execution.id(), 0), stdout -> stdout.contains("early\n"));
    events.awaitDone(PATIENCE);

    assertThat(api.outputSoFar(execution.id()).map(Execution.Output::stdout)).contains("early\n");
  }

  @Test
  void aWatcherWhoseSharedLogWasLostMidRunStillGetsTheEndFromTheStore() {
    LivecodeEngine api = engine("api", 0);
    engine("worker", 1);
    Execution execution =
        run(api, "import time\nprint('early', flush=True)\ntime.sleep(1)\nprint('late')");
    EventCollector events = EventCollector.subscribe(api.events(execution.id(), 0));
    events.awaitText(Execution.Event.Kind.STDOUT, "early\n", PATIENCE);

    // Redis forgot the stream mid-run (a restart without persistence): every later entry of the
    // worker is refused, since its numbers no longer follow the stream's last.
    RedisClient client = RedisClient.create(redis.url());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.sync().del(redis.prefix() + ":live:" + execution.id());
    } finally {
      client.shutdown();
    }

    events.awaitDone(PATIENCE);
    assertThat(events.last().kind()).isEqualTo(Execution.Event.Kind.DONE);
    assertThat(events.last().status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(events.text(Execution.Event.Kind.STDOUT)).isEqualTo("early\nlate\n");
  }

  @Test
  void aSharedLogRefusesAnEntryThatDoesNotFollowItsLast() {
    ExecutionEvents.LiveLogs logs = queue().events().liveLogs().orElseThrow();
    UUID id = UUID.randomUUID();
    logs.append(id, List.of(status(1), status(2), status(2), status(5)), 100);

    assertThat(logs.lastSequence(id)).isEqualTo(2);
    assertThat(logs.read(id, 0, 10))
        .extracting(ExecutionEvents.LiveLogs.Entry::sequence)
        .containsExactly(1L, 2L);
  }

  @Test
  void anEndedSharedLogExpiresAfterItsRetention() {
    ExecutionEvents.LiveLogs logs = queue().events().liveLogs().orElseThrow();
    UUID id = UUID.randomUUID();
    logs.append(id, List.of(status(1)), 100);
    logs.ended(id, Duration.ofMinutes(5));

    assertThat(millisToLive(":live:" + id)).isBetween(1L, Duration.ofMinutes(5).toMillis());
  }

  @Test
  void anEndedSharedLogsRequestsExpireWithIt() {
    ExecutionEvents.LiveLogs logs = queue().events().liveLogs().orElseThrow();
    UUID id = UUID.randomUUID();
    logs.send(id, ExecutionEvents.LiveLogs.Request.stdin("x", true), 100);
    logs.ended(id, Duration.ofMinutes(5));

    assertThat(millisToLive(":live:" + id + ":in")).isBetween(1L, Duration.ofMinutes(5).toMillis());
    assertThat(millisToLive(":live:" + id + ":in-state"))
        .isBetween(1L, Duration.ofMinutes(5).toMillis());
  }

  @Test
  void aReadersWakeStreamExpiresOnceItsReaderIsGone() {
    ExecutionEvents.LiveLogs logs = queue().events().liveLogs().orElseThrow();
    try (var follow = logs.follow(UUID.randomUUID(), 0, entries -> {})) {
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      List<String> wakeKeys;
      do {
        wakeKeys = redis.commands().keys(redis.prefix() + ":live-wake:*");
      } while (wakeKeys.isEmpty() && System.nanoTime() < deadline);

      assertThat(wakeKeys).hasSize(1);
      assertThat(millisToLive(wakeKeys.get(0).substring(redis.prefix().length())))
          .isBetween(1L, Duration.ofMinutes(10).toMillis());
    }
  }

  /**
   * The time to live of {@code <prefix><suffix>} in ms once it has one (negative: none within the
   * patience): the writes that set it are sent without waiting, on another connection.
   */
  private long millisToLive(String suffix) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    long ttl;
    do {
      ttl = redis.commands().pttl(redis.prefix() + suffix);
    } while (ttl < 0 && System.nanoTime() < deadline);
    return ttl;
  }

  @Test
  void aFollowerOnOneNodeHearsEntriesAppendedOnAnother() {
    ExecutionEvents.LiveLogs writer = queue().events().liveLogs().orElseThrow();
    ExecutionEvents.LiveLogs reader = queue().events().liveLogs().orElseThrow();
    UUID id = UUID.randomUUID();
    List<ExecutionEvents.LiveLogs.Entry> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (var follow = reader.follow(id, 0, heard::addAll)) {
      writer.append(id, List.of(status(1), status(2)), 100);
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (heard.size() < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
    }

    assertThat(heard).extracting(ExecutionEvents.LiveLogs.Entry::sequence).containsExactly(1L, 2L);
  }

  @Test
  void aNewFollowerWaitsForNoReplyFromRedisAndIsStillTakenIn() throws InterruptedException {
    ExecutionEvents.LiveLogs writer = queue().events().liveLogs().orElseThrow();
    ExecutionEvents.LiveLogs reader = queue().events().liveLogs().orElseThrow();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    List<ExecutionEvents.LiveLogs.Entry> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (var following = reader.follow(first, 0, entries -> {})) {
      // The reader is blocked in its XREAD for the first follower.
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (!redis.commands().clientList().contains("cmd=xread") && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      // Redis answers no one for a second: a follow that waited for a reply would wait it out.
      redis.commands().clientPause(1000);
      long before = System.nanoTime();
      try (var late = reader.follow(second, 0, heard::addAll)) {
        Duration took = Duration.ofNanos(System.nanoTime() - before);
        writer.append(second, List.of(status(1)), 100);
        while (heard.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }

        assertThat(took).isLessThan(Duration.ofMillis(300));
        assertThat(heard).extracting(ExecutionEvents.LiveLogs.Entry::sequence).containsExactly(1L);
      }
    }
  }

  private static ExecutionEvents.LiveLogs.Entry status(long sequence) {
    return new ExecutionEvents.LiveLogs.Entry(
        sequence, Execution.Event.Kind.STATUS, Execution.Status.QUEUED, false, "");
  }
}
