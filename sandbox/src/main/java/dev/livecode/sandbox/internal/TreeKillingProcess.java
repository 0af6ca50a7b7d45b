package dev.livecode.sandbox.internal;

import java.util.List;

/**
 * A process without a cgroup or PID namespace: ending it means killing its process group and every
 * descendant still reachable from it.
 */
final class TreeKillingProcess {
  private final Process process;

  TreeKillingProcess(Process process) {
    this.process = process;
  }

  void killAll() {
    // Snapshot first: killing the parent would reparent its children out of reach.
    List<ProcessHandle> descendants = process.descendants().toList();
    if (process.isAlive()) {
      // Only while alive: Process.destroy also closes the pipes, losing output not yet read.
      process.toHandle().destroyForcibly();
    }
    descendants.forEach(ProcessHandle::destroyForcibly);
    killProcessGroup(process.pid());
  }

  private static void killProcessGroup(long pgid) {
    try {
      new ProcessBuilder("/bin/kill", "-KILL", "--", "-" + pgid)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor();
    } catch (java.io.IOException e) {
      // The group is already gone or kill is missing; the descendants were killed above.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
