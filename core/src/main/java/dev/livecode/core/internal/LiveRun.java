package dev.livecode.core.internal;

import dev.livecode.core.Execution;
import dev.livecode.sandbox.ConfinedProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What the engine can do to one of its runs while it is live: write its stdin (interactive runs)
 * and cancel it. A worker claims the run before it starts it and shows each process it starts, so
 * that a cancel either ends a run no worker has claimed or kills, through the sandbox, the process
 * tree that runs it.
 */
final class LiveRun {
  /** What a cancel found. */
  enum Claim {
    UNCLAIMED,
    CLAIMED,
    ENDED
  }

  private final UUID executionId;
  private final EventLog log;
  private final Optional<StdinPipe> stdin;
  private boolean claimed;
  private boolean cancelRequested;
  private boolean ended;
  private ConfinedProcess process;

  LiveRun(UUID executionId, EventLog log, Optional<StdinPipe> stdin) {
    this.executionId = executionId;
    this.log = log;
    this.stdin = stdin;
  }

  /** {@code result} as the end of a cancelled run: what the program wrote is kept. */
  static Execution.Result cancelled(Execution.Result result) {
    return new Execution.Result(
        Execution.Status.CANCELLED,
        result.stdout(),
        result.stderr(),
        result.exitCode(),
        result.signal(),
        Optional.empty(),
        result.stdoutTruncated(),
        result.stderrTruncated(),
        result.executionTime(),
        result.finishedAt());
  }

  /** The end of a run cancelled before it started: nothing written, no exit. */
  static Execution.Result cancelledUnstarted(Instant at) {
    return new Execution.Result(
        Execution.Status.CANCELLED,
        "",
        "",
        OptionalInt.empty(),
        OptionalInt.empty(),
        Optional.empty(),
        false,
        false,
        Duration.ZERO,
        at);
  }

  UUID executionId() {
    return executionId;
  }

  EventLog log() {
    return log;
  }

  /** Present for an interactive run. */
  Optional<StdinPipe> stdin() {
    return stdin;
  }

  Consumer<String> chunks(Execution.Event.Kind stream) {
    return text -> log.output(stream, text);
  }

  /** The worker takes the run; false when it was cancelled first (the canceller ends it). */
  synchronized boolean claim() {
    if (cancelRequested) {
      return false;
    }
    claimed = true;
    return true;
  }

  /** A process of the run started; one started after the cancel is killed at once. */
  void started(ConfinedProcess started) {
    boolean kill;
    synchronized (this) {
      process = started;
      kill = cancelRequested;
    }
    if (kill) {
      started.killAll();
    }
  }

  synchronized void stopped(ConfinedProcess stopped) {
    if (process == stopped) {
      process = null;
    }
  }

  /** Asks for the run to stop; kills its process tree if it has one now. */
  Claim cancel() {
    ConfinedProcess running;
    Claim claim;
    synchronized (this) {
      if (ended) {
        return Claim.ENDED;
      }
      cancelRequested = true;
      claim = claimed ? Claim.CLAIMED : Claim.UNCLAIMED;
      running = process;
    }
    stdin.ifPresent(StdinPipe::end);
    if (running != null) {
      running.killAll();
    }
    return claim;
  }

  synchronized boolean cancelRequested() {
    return cancelRequested;
  }

  /** The result is made: true when it must say CANCELLED. No cancel acts on the run after this. */
  boolean end() {
    boolean cancelled;
    synchronized (this) {
      ended = true;
      cancelled = cancelRequested;
      process = null;
    }
    stdin.ifPresent(StdinPipe::end);
    return cancelled;
  }
}
