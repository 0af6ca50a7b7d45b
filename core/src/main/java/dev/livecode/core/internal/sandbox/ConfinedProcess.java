package dev.livecode.core.internal.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A program started by a sandbox: the process the JVM started (the launch shell exec'd into
 * bwrap, unshare or the program), its cgroup if any, and how to kill everything of it.
 *
 * <p>In the namespace tiers, SIGKILL to the started process ends the whole PID namespace (its
 * init dies with it: {@code --die-with-parent} / {@code --kill-child}), so no child escapes by
 * double-forking or setsid; the cgroup kill is a second net. Without either, the process tree
 * and process group are killed (see {@link TreeKillingProcess}).
 */
final class ConfinedProcess implements SandboxedProcess {
  private static final int SIGKILL = 9;
  private static final int SIGXCPU = 24;

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
   * @param uid the program's own uid, given back when closed (after a sweep of its processes
   *     where no PID namespace ended them all)
   */
  ConfinedProcess(Process process, Optional<RunGroup> group, Duration cpuLimit, boolean killTree,
      Optional<Path> statusFile, List<Path> scratchFiles, Optional<SandboxUids.Lease> uid) {
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
    } else {
      // Via the handle: Process.destroyForcibly() would also close our ends of the pipes, losing
      // output the pumps have not read yet.
      process.toHandle().destroyForcibly();
    }
    group.ifPresent(RunGroup::killAll);
  }

  @Override
  public boolean memoryLimitHit() {
    return group.map(RunGroup::oomKilled).orElse(false);
  }

  /**
   * True when the program died of SIGXCPU (the soft CPU limit), or was SIGKILLed after using its
   * CPU time (the hard limit, for a program that caught SIGXCPU), as the group's CPU counter says.
   */
  @Override
  public boolean cpuLimitHit() {
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

  @Override
  public boolean sandboxFailed() {
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
