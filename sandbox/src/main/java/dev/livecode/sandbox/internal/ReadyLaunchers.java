package dev.livecode.sandbox.internal;

import dev.livecode.sandbox.ConfinedProcess;
import dev.livecode.sandbox.PrestartedPool;
import dev.livecode.sandbox.SandboxLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launch shells started ahead of the runs that take them: each has already joined its run's cgroups
 * and set the rlimits (see {@link RlimitShell#launcher}) and waits for the script that execs the
 * sandbox. Only the interpreter's start is left on the run's path.
 *
 * <p>Why: on this kind of host (kernel 6.x, cgroup v1), writing a pid into {@code cgroup.procs}
 * waits for an RCU grace period whenever no other migration happened just before, which is every
 * time on a server that is not saturated: about 10 ms, most of a cold run. Done ahead, by a shell
 * that then only waits, it costs the run nothing. A launcher is a root shell outside the sandbox
 * holding a cgroup; it runs nothing but the script the sandbox wrote for it, and is handed to at
 * most one run. Only runs with the limits given at start take one (the engine's defaults); others
 * start their shell on the run's path as before. The pool that keeps them started is a {@link
 * PrestartedPool}.
 */
final class ReadyLaunchers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReadyLaunchers.class);
  private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);

  /**
   * How long a refill waits after a take (or the end of the run that took one): starting a shell
   * costs the JVM a process spawn, better done once the run that took the launcher (a cold start,
   * ~15 ms) is over on a 2-core host.
   */
  static final Duration REFILL_DELAY = Duration.ofMillis(30);

  /**
   * About how long a shell takes to join its cgroups (one RCU grace period, ~10 ms): takes faster
   * than that (warm interpreters refilled back to back take one each) grow the pool, up to {@link
   * #GROWTH} times its size, and refill it without the delay.
   */
  static final Duration LEAD_TIME = Duration.ofMillis(20);

  static final int GROWTH = 4;

  /** Starts under way at once when runs come back to back: one start outlasts a warm run. */
  static final int STARTERS = 2;

  private final Cgroups cgroups;
  private final SandboxLimits limits;
  private final boolean ownUid;
  private final PrestartedPool<Launcher> pool;

  /**
   * @param ownUid whether each run gets a uid of its own (RLIMIT_NPROC then holds, see {@link
   *     RlimitShell})
   */
  ReadyLaunchers(
      Cgroups cgroups, SandboxLimits limits, int size, boolean ownUid, ThreadFactory threads) {
    this.cgroups = cgroups;
    this.limits = limits;
    this.ownUid = ownUid;
    this.pool =
        PrestartedPool.builder(
                "launch-shells",
                new PrestartedPool.Items<Launcher>() {
                  @Override
                  public Launcher start() throws IOException {
                    return startLauncher();
                  }

                  @Override
                  public boolean alive(Launcher launcher) {
                    return launcher.process.isAlive();
                  }

                  @Override
                  public CompletionStage<?> ended(Launcher launcher) {
                    return launcher.process.onExit();
                  }

                  @Override
                  public void discard(Launcher launcher) {
                    if (!launcher.process.isAlive()) {
                      LOG.warn(
                          "launch shell died while waiting exit={}", launcher.process.exitValue());
                    }
                    launcher.discard();
                  }
                })
            .size(size)
            .maxSize(size * GROWTH)
            .leadTime(LEAD_TIME)
            .starters(STARTERS)
            .refillDelay(REFILL_DELAY)
            .backOff(RETRY_AFTER_FAILURE, RETRY_AFTER_FAILURE)
            .threads(threads)
            .start();
  }

  /**
   * A waiting launcher for a run with {@code wanted} limits, removed from the pool; empty when
   * none.
   */
  Optional<Launcher> take(SandboxLimits wanted) {
    return wanted.equals(limits) ? pool.take() : Optional.empty();
  }

  /** Launchers waiting (for tests). */
  int ready() {
    return pool.idle();
  }

  private Launcher startLauncher() throws IOException {
    RunGroup group = cgroups.acquire(limits);
    try {
      ProcessBuilder builder =
          new ProcessBuilder(RlimitShell.launcher(limits, cgroups, group, ownUid))
              .directory(Path.of("/").toFile());
      builder.environment().clear();
      return new Launcher(builder.start(), group);
    } catch (IOException | RuntimeException e) {
      group.release();
      throw e;
    }
  }

  /** Stops refilling and ends every waiting launcher. */
  @Override
  public void close() {
    pool.close();
  }

  /** One waiting launch shell in its run group. */
  static final class Launcher {
    private final Process process;
    private final RunGroup group;

    private Launcher(Process process, RunGroup group) {
      this.process = process;
      this.group = group;
    }

    Process process() {
      return process;
    }

    /**
     * Has the shell open {@code redirects} and exec {@code argv}, through {@code scriptFile}
     * (written here, in the sandbox's private folder); the handle deletes it, the status file and
     * {@code scratch} when closed, and gives {@code uid} back.
     *
     * @throws IOException when the shell cannot be told (it died meanwhile); the launcher is then
     *     discarded and the caller starts the run the usual way
     */
    ConfinedProcess exec(
        List<RlimitShell.Redirect> redirects,
        List<String> argv,
        Path scriptFile,
        Path statusFile,
        List<Path> scratch,
        Duration cpuLimit,
        Optional<SandboxUids.Lease> uid)
        throws IOException {
      try {
        Files.writeString(
            scriptFile, RlimitShell.execScript(redirects, argv), StandardCharsets.UTF_8);
        OutputStream stdin = process.getOutputStream();
        stdin.write((scriptFile + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
      } catch (IOException | RuntimeException e) {
        discard();
        Files.deleteIfExists(scriptFile);
        throw e;
      }
      List<Path> files = new ArrayList<>(scratch);
      files.add(scriptFile);
      return new ConfinedRun(
          process, Optional.of(group), cpuLimit, false, Optional.of(statusFile), files, uid);
    }

    /** Ends an unused launcher (SIGKILL), closes its pipes and hands its group back. */
    void discard() {
      process.toHandle().destroyForcibly();
      for (java.io.Closeable pipe :
          List.of(process.getOutputStream(), process.getInputStream(), process.getErrorStream())) {
        try {
          pipe.close();
        } catch (IOException e) {
          // Already gone.
        }
      }
      group.release();
    }
  }
}
