package dev.livecode.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.spi.ExecutionEvents;
import dev.livecode.core.spi.Store;
import dev.livecode.runner.python.PythonRunner;
import dev.livecode.sandbox.Isolation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The event sequence of an ended execution kept in MySQL, and replayed from it after a restart. */
class MySqlEventsIT {
  @RegisterExtension static final MySqlTestStore DB = new MySqlTestStore();

  private LivecodeEngine engine() {
    return Livecode.builder()
        .store(DB.store())
        .runner(new PythonRunner())
        .discoverRunners(false)
        .workers(1)
        .isolation(Isolation.NONE)
        .build();
  }

  private static List<Execution.Event> all(LivecodeEngine engine, UUID id, long after)
      throws Exception {
    List<Execution.Event> events = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    engine
        .events(id, after)
        .subscribe(
            new Flow.Subscriber<>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
              }

              @Override
              public void onNext(Execution.Event event) {
                synchronized (events) {
                  events.add(event);
                }
              }

              @Override
              public void onError(Throwable error) {
                done.completeExceptionally(error);
              }

              @Override
              public void onComplete() {
                done.complete(null);
              }
            });
    done.get(30, TimeUnit.SECONDS);
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  @Test
  void anEndedRunReplaysTheSameEventsAfterARestart() throws Exception {
    UUID id;
    List<Execution.Event> before;
    try (LivecodeEngine engine = engine()) {
      Session session =
          engine.createSession(
              "python",
              "import sys, time\nprint('one')\ntime.sleep(0.2)\nprint('two', file=sys.stderr)\nprint('é😀')");
      id = engine.run(RunRequest.of(session.id())).id();
      engine.awaitExecution(id, Duration.ofSeconds(20));
      before = all(engine, id, 0);
    }

    try (LivecodeEngine restarted = engine()) {
      List<Execution.Event> after = all(restarted, id, 0);

      // The DONE carries the execution as the store has it (microseconds); the live one carried
      // the worker's own (nanoseconds): the API renders both to the same millisecond.
      int last = before.size() - 1;
      assertThat(after.subList(0, last)).isEqualTo(before.subList(0, last));
      assertThat(before.size()).isGreaterThan(4);
      assertThat(after.get(last).sequence()).isEqualTo(before.get(last).sequence());
      assertThat(after.get(last).execution()).isEqualTo(DB.store().findExecution(id));
    }
  }

  @Test
  void aResumeAfterARestartGetsExactlyTheEventsAfterItsLast() throws Exception {
    UUID id;
    List<Execution.Event> before;
    try (LivecodeEngine engine = engine()) {
      Session session = engine.createSession("python", "print('a')\nprint('b')\nprint('c')");
      id = engine.run(RunRequest.of(session.id())).id();
      engine.awaitExecution(id, Duration.ofSeconds(20));
      before = all(engine, id, 0);
    }

    try (LivecodeEngine restarted = engine()) {
      List<Execution.Event> rest = all(restarted, id, 2);

      assertThat(rest.subList(0, rest.size() - 1)).isEqualTo(before.subList(2, before.size() - 1));
      assertThat(rest.get(rest.size() - 1).kind()).isEqualTo(Execution.Event.Kind.DONE);
    }
  }

  @Test
  void keptEventsAreReadBackExactlyAndKeptOnce() {
    Session session =
        new Session(
            UUID.randomUUID(), Session.ANONYMOUS, "python", "", 1, Instant.EPOCH, Instant.EPOCH);
    DB.store().insertSession(session);
    UUID id = UUID.randomUUID();
    DB.store()
        .createExecution(
            new Store.NewExecution(
                id, session.id(), "", Limits.DEFAULTS, Optional.empty(), Instant.EPOCH));
    List<ExecutionEvents.LiveLogs.Entry> events =
        List.of(
            new ExecutionEvents.LiveLogs.Entry(
                1, Execution.Event.Kind.STATUS, Execution.Status.QUEUED, false, ""),
            new ExecutionEvents.LiveLogs.Entry(
                2, Execution.Event.Kind.STATUS, Execution.Status.RUNNING, true, ""),
            new ExecutionEvents.LiveLogs.Entry(
                3, Execution.Event.Kind.STDOUT, Execution.Status.RUNNING, false, "é😀\n\u0000\r"),
            new ExecutionEvents.LiveLogs.Entry(
                4, Execution.Event.Kind.DONE, Execution.Status.COMPLETED, false, ""));

    DB.store().keepEvents(id, events);
    DB.store().keepEvents(id, events.subList(0, 1));

    assertThat(DB.store().findEvents(id)).contains(events);
    assertThat(DB.store().findEvents(UUID.randomUUID())).isEmpty();
  }
}
