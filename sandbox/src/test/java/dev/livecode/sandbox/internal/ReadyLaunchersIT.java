package dev.livecode.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.sandbox.ConfinedProcess;
import dev.livecode.sandbox.SandboxLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Launch shells started ahead of their runs, on this host's cgroups (the CI hosts have them). */
class ReadyLaunchersIT {
  private Cgroups cgroups;
  private ReadyLaunchers launchers;
  private Path dir;

  @BeforeEach
  void start() throws IOException {
    cgroups =
        Cgroups.detect()
            .orElseThrow(() -> new AssertionError("this host must offer cgroups (run as root)"));
    launchers = new ReadyLaunchers(cgroups, SandboxLimits.DEFAULTS, 1, false, Thread::new);
    dir = Files.createTempDirectory("livecode-launchers-");
  }

  @AfterEach
  void stop() throws IOException {
    launchers.close();
    cgroups.close();
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }

  @Test
  void launcherExecsTheCommandWithItsArgumentsIntact() throws Exception {
    List<String> argv = List.of("/bin/echo", "it's", "$HOME", "a  b", "`id`", "\\n");
    try (ConfinedProcess run = exec(take(), argv)) {
      run.process().getOutputStream().close();
      String out =
          new String(run.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(run.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(out).isEqualTo("it's $HOME a  b `id` \\n\n");
      assertThat(run.process().exitValue()).isZero();
    }
  }

  @Test
  void programRunsInItsRunGroupUnderTheRlimits() throws Exception {
    List<String> argv = List.of("/bin/sh", "-c", "cat /proc/self/cgroup; ulimit -t; cat");
    try (ConfinedProcess run = exec(take(), argv)) {
      run.process()
          .getOutputStream()
          .write("stdin reaches the program\n".getBytes(StandardCharsets.UTF_8));
      run.process().getOutputStream().close();
      String out =
          new String(run.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(run.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(out)
          .containsPattern("memory:/.*livecode-[0-9]+-[0-9]+/run-[0-9]+")
          .contains("\n" + SandboxLimits.DEFAULTS.cpuTime().toSeconds() + "\n")
          .endsWith("stdin reaches the program\n");
    }
  }

  @Test
  void runsWithOtherLimitsGetNone() {
    SandboxLimits other =
        new SandboxLimits(
            SandboxLimits.DEFAULTS.wallTime(),
            SandboxLimits.DEFAULTS.cpuTime(),
            SandboxLimits.DEFAULTS.memoryBytes() / 2,
            SandboxLimits.DEFAULTS.maxProcesses(),
            SandboxLimits.DEFAULTS.maxFileBytes());
    assertThat(launchers.take(other)).isEmpty();
  }

  @Test
  void launcherThatDiedWhileWaitingIsNotHandedOut() throws Exception {
    waitUntil(() -> launchers.ready() == 1);
    List<ProcessHandle> waiting = ProcessHandle.current().children().toList();
    assertThat(waiting).hasSize(1);
    waiting.get(0).destroyForcibly();
    waiting.get(0).onExit().get(10, TimeUnit.SECONDS);
    Optional<ReadyLaunchers.Launcher> next = launchers.take(SandboxLimits.DEFAULTS);
    assertThat(next.map(launcher -> launcher.process().isAlive()).orElse(true))
        .as("a dead launcher handed out")
        .isTrue();
    next.ifPresent(ReadyLaunchers.Launcher::discard);
    assertThat(take().process().isAlive()).isTrue();
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within 10 s");
      }
      Thread.sleep(10);
    }
  }

  /** A launcher, once the pool has started one (it refills in the background). */
  private ReadyLaunchers.Launcher take() throws InterruptedException {
    waitUntil(() -> launchers.ready() == 1);
    return launchers.take(SandboxLimits.DEFAULTS).orElseThrow();
  }

  private ConfinedProcess exec(ReadyLaunchers.Launcher launcher, List<String> argv)
      throws IOException {
    String name = "run-" + System.nanoTime();
    Path status = dir.resolve(name + ".json");
    return launcher.exec(
        List.of(new RlimitShell.Redirect(3, status, true)),
        argv,
        dir.resolve(name + ".sh"),
        status,
        List.of(),
        SandboxLimits.DEFAULTS.cpuTime(),
        java.util.Optional.empty());
  }
}
