package dev.livecode.sandbox;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/** A program a {@link Sandbox} started, the means to end all of it, and what became of it. */
public interface ConfinedProcess extends AutoCloseable {

  /** The process the JVM started: its stdin, stdout and stderr are the program's. */
  Process process();

  /** Kills every process of this program, including children that left its process group. */
  void killAll();

  /**
   * Waits for the program to end, for at most {@code wallTime} from now; past that, kills all of it
   * and waits briefly for it to die. Either way then kills what is left of it (children that
   * outlived it may hold its pipes), so the caller can read its output to the end.
   */
  Verdict await(Duration wallTime);

  /** Kills what is left and releases the program's cgroup and uid; harmless when called twice. */
  @Override
  void close();

  /**
   * What became of a program.
   *
   * @param exitCode its exit code, when it exited (not when a signal ended it)
   * @param signal the signal that ended it, when one did (the JVM reports 128 + N)
   * @param wallTimeExceeded it was still running at the wall time and was killed
   * @param cpuTimeExceeded it used up its CPU time (SIGXCPU, or SIGKILL once past the hard limit)
   * @param memoryLimitHit the kernel's OOM killer ended a process of it at its memory limit (read
   *     from its cgroup; never a guess, so always false without a memory cgroup)
   * @param sandboxFailed the sandbox itself could not set the program up (a mount or namespace
   *     failure): the exit code and stderr are the sandbox's, not the program's. Never set with one
   *     of the limits above
   * @param elapsed from the call to {@link #await} to the program's end, or to its wall time
   */
  record Verdict(
      OptionalInt exitCode,
      OptionalInt signal,
      boolean wallTimeExceeded,
      boolean cpuTimeExceeded,
      boolean memoryLimitHit,
      boolean sandboxFailed,
      Duration elapsed) {
    public Verdict {
      Objects.requireNonNull(exitCode, "exitCode");
      Objects.requireNonNull(signal, "signal");
      Objects.requireNonNull(elapsed, "elapsed");
    }

    /** True when the program exited with 0 in time. */
    public boolean succeeded() {
      return !wallTimeExceeded && exitCode.equals(OptionalInt.of(0));
    }
  }
}
