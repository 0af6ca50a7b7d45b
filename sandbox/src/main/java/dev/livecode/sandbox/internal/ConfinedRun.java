package dev.livecode.sandbox.internal;

import dev.livecode.sandbox.ConfinedProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A program started by a sandbox: the process the JVM started (the launch shell exec'd into bwrap,
 * unshare or the program), its cgroup if any, and how to kill everything of it.
 *
 * <p>In the namespace tiers, SIGKILL to the started process ends the whole PID namespace (its init
 * dies with it: {@code --die-with-parent} / {@code --kill-child}), so no child escapes by
 * double-forking or setsid; the cgroup kill is a second net. Without either, the process tree and
 * process group are killed (see {@link TreeKillingProcess}).
 */
final class ConfinedRun implements ConfinedProcess {
  private static final int SIGKILL = 9;
  private static final int SIGXCPU = 24;

  /**
   * How long a program killed at its wall time may take to die before the verdict is made anyway.
   */
  private static final Duration KILL_GRACE = Duration.ofSeconds(2);

  private final Process process;
  private final Optional<RunGroup> group;
  private final Duration cpuLimit;
  private final Optional<TreeKillingProcess> tree;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Optional<Path> statusFile;
  private final List<Path> scratchFiles;
  private final Optional<SandboxUids.Lease> uid;

  /**
   * @param killTree kill the process tree and group too (no PID namespace holds the program)
   * @param statusFile bwrap's --json-status-fd file: it gains an "exit-code" line only if the
   *     program ran to its end
   * @param scratchFiles files of this run in the sandbox's private folder, deleted when closed
   * @param uid the program's own uid, given back when closed (after a sweep of its processes where
   *     no PID namespace ended them all)
   */
  ConfinedRun(
      Process process,
      Optional<RunGroup> group,
      Duration cpuLimit,
      boolean killTree,
      Optional<Path> statusFile,
      List<Path> scratchFiles,
      Optional<SandboxUids.Lease> uid) {
    this.statusFile = statusFile;
    this.scratchFiles = List.copyOf(scratchFiles);
    this.process = process;
    this.group = group;
    this.cpuLimit = cpuLimit;
    this.tree = killTree ? Optional.of(new TreeKillingProcess(process)) : Optional.empty();
    this.uid = uid;
  }

  @Override
  public Process process() {
    return process;
  }

  @Override
  public void killAll() {
    if (tree.isPresent()) {
      tree.get().killAll();
    } else if (process instanceof ForkedProcess) {
      // Kills the PID namespace's init and keeps the sockets, like the handle below.
      process.destroy();
    } else {
      // Via the handle: Process.destroyForcibly() would also close our ends of the pipes, losing
      // output the pumps have not read yet.
      process.toHandle().destroyForcibly();
    }
    group.ifPresent(RunGroup::killAll);
  }

  @Override
  public Verdict await(Duration wallTime) {
    long started = System.nanoTime();
    boolean exited = waitFor(wallTime);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    if (!exited) {
      killAll();
      waitFor(KILL_GRACE);
    }
    // Children that outlived the program may hold its pipes: end them before the caller drains.
    killAll();
    OptionalInt exitCode = OptionalInt.empty();
    OptionalInt signal = OptionalInt.empty();
    if (!process.isAlive()) {
      int value = process.exitValue();
      // The JVM reports a death by signal N as exit value 128 + N.
      if (value > 128 && value < 128 + 65) {
        signal = OptionalInt.of(value - 128);
      } else {
        exitCode = OptionalInt.of(value);
      }
    }
    boolean memory = memoryLimitHit();
    boolean cpu = cpuLimitHit();
    return new Verdict(
        exitCode,
        signal,
        !exited,
        cpu,
        memory,
        exited && !memory && !cpu && sandboxFailed(),
        elapsed);
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** True when the program hit its memory limit (from the cgroup's OOM counter, not a guess). */
  boolean memoryLimitHit() {
    return group.map(RunGroup::oomKilled).orElse(false);
  }

  /**
   * True when the program died of SIGXCPU (the soft CPU limit), or was SIGKILLed after using its
   * CPU time (the hard limit, for a program that caught SIGXCPU), as the group's CPU counter says.
   */
  boolean cpuLimitHit() {
    if (process.isAlive()) {
      return false;
    }
    int exit = process.exitValue();
    if (exit == 128 + SIGXCPU) {
      return true;
    }
    if (exit == 128 + SIGKILL && group.isPresent()) {
      long used = group.get().cpuNanos();
      return used >= 0 && used >= cpuLimit.toNanos();
    }
    return false;
  }

  /**
   * True when bwrap could not set the program up (a mount or namespace failure): its status file
   * then lacks the program's exit code, and the exit code and stderr are bwrap's.
   */
  boolean sandboxFailed() {
    if (statusFile.isEmpty() || process.isAlive() || process.exitValue() == 0) {
      return false;
    }
    try {
      return !Files.readString(statusFile.get(), StandardCharsets.UTF_8).contains("\"exit-code\"");
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    killAll();
    if (tree.isPresent()) {
      uid.ifPresent(lease -> SandboxUids.killProcessesOf(lease.uid()));
    }
    uid.ifPresent(SandboxUids.Lease::close);
    group.ifPresent(RunGroup::release);
    if (process instanceof ForkedProcess forked) {
      // The JDK closes a started process's pipes itself; sockets are ours to close.
      forked.closeStreams();
    }
    List<Path> files = new ArrayList<>(scratchFiles);
    statusFile.ifPresent(files::add);
    for (Path file : files) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A leftover file in the sandbox's private folder; removed with it at close.
      }
    }
  }
}
