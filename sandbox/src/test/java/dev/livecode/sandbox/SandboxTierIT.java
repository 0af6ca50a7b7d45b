package dev.livecode.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One tier of the sandbox, attacked through its public API alone: no engine and no language runner,
 * only /bin/sh, coreutils and /usr/bin/python3 as the programs. Each subclass names its tier and
 * states what that tier promises beyond the limits; every test here runs on every tier.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SandboxTierIT {
  private static final long MIB = 1024L * 1024L;
  static final SandboxLimits LIMITS =
      new SandboxLimits(Duration.ofSeconds(5), Duration.ofSeconds(5), 128 * MIB, 32, 8 * MIB);
  private static final Duration WAIT = Duration.ofSeconds(15);
  static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8");
  private static final boolean ROOT = isRoot();

  /** Forks children that sleep until a fork fails, then prints how many it made. */
  private static final String FORK_BOMB =
      """
      import os, time
      n = 0
      try:
          while n < 500:
              if os.fork() == 0:
                  time.sleep(30)
                  os._exit(0)
              n += 1
      except OSError:
          pass
      print(n)
      """;

  private final AtomicInteger workspaces = new AtomicInteger();
  private final ExecutorService pumps =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "tier-test-pump");
            thread.setDaemon(true);
            return thread;
          });
  Sandbox sandbox;

  /**
   * A private folder of the test's (0700, like the engine's workspace root), parent of every
   * workspace.
   */
  Path root;

  /** The tier under test. */
  abstract Isolation tier();

  /**
   * Whether the tier gives programs a network namespace of their own (no interface up), or shares
   * the host's.
   */
  abstract boolean ownNetwork();

  /**
   * Whether the tier shows programs only what it mounts for them, or the host's whole file view.
   */
  abstract boolean privateFileView();

  /** Launches of {@link #LIMITS} the sandbox is asked to prepare (launch shells started ahead). */
  int preparedLaunches() {
    return 0;
  }

  @BeforeAll
  void start() throws IOException {
    sandbox = Sandbox.create(tier());
    if (preparedLaunches() > 0) {
      sandbox.prepare(LIMITS, preparedLaunches());
    }
    root = Files.createTempDirectory("livecode-tier-" + tier().name().toLowerCase() + "-");
  }

  @AfterAll
  void stop() throws IOException {
    if (sandbox != null) {
      sandbox.close();
    }
    pumps.shutdownNow();
    if (root != null) {
      deleteTree(root);
    }
  }

  @Test
  void givesTheTierAskedForAndSaysWhatItHolds() {
    assertThat(sandbox.tier()).isEqualTo(tier());
    assertThat(sandbox.enforcedLimits())
        .contains("wall_time", "cpu_time", "file_size")
        .doesNotContain("output");
    assertThat(sandbox.protections().contains("namespaces")).isEqualTo(ownNetwork());
  }

  @Test
  void programGetsItsStdinAndGivesItsOutputAndExitCode() throws Exception {
    Ran ran = run(List.of("/bin/sh", "-c", "cat; echo out; echo err >&2; exit 3"), LIMITS, "in\n");

    assertThat(ran.stdout()).isEqualTo("in\nout\n");
    assertThat(ran.stderr()).isEqualTo("err\n");
    assertThat(ran.verdict().exitCode()).isEqualTo(OptionalInt.of(3));
    assertThat(ran.verdict().signal()).isEmpty();
    assertThat(ran.verdict().wallTimeExceeded()).isFalse();
    assertThat(ran.verdict().cpuTimeExceeded()).isFalse();
    assertThat(ran.verdict().memoryLimitHit()).isFalse();
    assertThat(ran.verdict().sandboxFailed()).isFalse();
  }

  @Test
  void wallTimeKillsTheWholeTree() throws Exception {
    String marker = ThreadLocalRandom.current().nextInt(3000, 900_000) + ".5";
    // A child, a grandchild that the subshell left to be reparented, and one in a session of its
    // own.
    String tree =
        "sleep " + marker + " & (sleep " + marker + " &); setsid sleep " + marker + " & wait";
    SandboxLimits limits =
        new SandboxLimits(
            Duration.ofSeconds(1),
            LIMITS.cpuTime(),
            LIMITS.memoryBytes(),
            LIMITS.maxProcesses(),
            LIMITS.maxFileBytes());

    Ran ran = run(List.of("/bin/sh", "-c", tree), limits, "");

    assertThat(ran.verdict().wallTimeExceeded())
        .as("%s, stderr: %s", ran.verdict(), ran.stderr())
        .isTrue();
    assertThat(ran.verdict().exitCode()).isEmpty();
    assertThat(ran.verdict().elapsed()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
    eventually("no process of the program left", () -> running("sleep " + marker) == 0);
  }

  @Test
  void cpuTimeEndsABusyLoop() throws Exception {
    SandboxLimits limits =
        new SandboxLimits(
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            LIMITS.memoryBytes(),
            LIMITS.maxProcesses(),
            LIMITS.maxFileBytes());

    Ran ran = run(List.of("/bin/sh", "-c", "while :; do :; done"), limits, "");

    assertThat(ran.verdict().cpuTimeExceeded()).isTrue();
    assertThat(ran.verdict().wallTimeExceeded()).isFalse();
    assertThat(ran.verdict().signal()).isEqualTo(OptionalInt.of(24)); // SIGXCPU
  }

  @Test
  void memoryLimitStopsAnAllocation() throws Exception {
    SandboxLimits limits =
        new SandboxLimits(
            LIMITS.wallTime(),
            LIMITS.cpuTime(),
            64 * MIB,
            LIMITS.maxProcesses(),
            LIMITS.maxFileBytes());

    Ran ran =
        run(
            List.of("/usr/bin/python3", "-c", "x = b'x' * (256 << 20); print('allocated', len(x))"),
            limits,
            "");

    assertThat(ran.stdout()).doesNotContain("allocated");
    assertThat(ran.verdict().exitCode()).isNotEqualTo(OptionalInt.of(0));
    if (sandbox.enforcedLimits().contains("memory")) {
      assertThat(ran.verdict().memoryLimitHit())
          .as("the run's memory cgroup saw the OOM kill")
          .isTrue();
    }
  }

  @Test
  void processLimitStopsAForkBomb() throws Exception {
    Ran ran = run(List.of("/usr/bin/python3", "-c", FORK_BOMB), LIMITS, "");

    assertThat(ran.verdict().exitCode())
        .as("stderr: %s", ran.stderr())
        .isEqualTo(OptionalInt.of(0));
    // The limit counts the sandbox's own few processes too (and, by rlimit, the uid's).
    assertThat(Integer.parseInt(ran.stdout().trim())).isBetween(1, LIMITS.maxProcesses() + 4);
  }

  /**
   * Its killed orphans may wait for the host's init to reap them; the runs after it must still
   * fork.
   */
  @Test
  void aForkBombLeavesTheNextRunsTheirProcesses() throws Exception {
    run(List.of("/usr/bin/python3", "-c", FORK_BOMB), LIMITS, "");

    for (int i = 0; i < 3; i++) {
      Ran next = run(List.of("/bin/sh", "-c", "(true) && (true) && echo forked"), LIMITS, "");

      assertThat(next.stdout()).as("stderr: %s", next.stderr()).isEqualTo("forked\n");
    }
  }

  @Test
  void fileSizeLimitCutsAFileAtTheLimit() throws Exception {
    SandboxLimits limits =
        new SandboxLimits(
            LIMITS.wallTime(), LIMITS.cpuTime(), LIMITS.memoryBytes(), LIMITS.maxProcesses(), MIB);

    Ran ran =
        run(
            List.of("/bin/sh", "-c", "head -c 4194304 /dev/zero > big; echo $?; wc -c < big"),
            limits,
            "");

    // head died of SIGXFSZ (25) at the limit.
    assertThat(ran.stdout())
        .as("stderr: %s", ran.stderr())
        .isEqualTo((128 + 25) + "\n" + MIB + "\n");
  }

  @Test
  void networkIsTheTiersOwn() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String connect =
          "import socket\nsocket.create_connection(('127.0.0.1', "
              + server.getLocalPort()
              + "), timeout=3)\nprint('connected')\n";

      Ran ran = run(List.of("/usr/bin/python3", "-c", connect), LIMITS, "");

      if (ownNetwork()) {
        assertThat(ran.stdout()).as("reached the host's loopback").doesNotContain("connected");
        assertThat(ran.verdict().exitCode()).isNotEqualTo(OptionalInt.of(0));
      } else {
        assertThat(ran.stdout()).as("this tier shares the host's network").isEqualTo("connected\n");
      }
    }
  }

  @Test
  void seesNothingOfTheServersEnvironment() throws Exception {
    assertThat(System.getenv("LIVECODE_TEST_SECRET"))
        .as("set for the tests by the module's pom")
        .isNotBlank();

    Ran ran = run(List.of("/usr/bin/env"), LIMITS, "");

    assertThat(ran.stdout())
        .doesNotContain(System.getenv("LIVECODE_TEST_SECRET"))
        .contains("LANG=C.UTF-8\n");
    String home = privateFileView() ? LaunchSpec.SANDBOX_WORKDIR : root.toString();
    assertThat(ran.stdout())
        .containsPattern("(?m)^HOME=" + home)
        .containsPattern("(?m)^TMPDIR=" + home);
  }

  @Test
  void cannotWriteIntoTheServersFolders() throws Exception {
    assumeTrue(
        ROOT || privateFileView(),
        "the host tiers run programs as the server's own user when it is not root");
    Path server =
        Files.createDirectory(
            root.resolve("server-private"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));

    Ran ran =
        run(
            List.of(
                "/bin/sh",
                "-c",
                "touch " + server + "/written && echo written; touch mine && echo mine"),
            LIMITS,
            "");

    assertThat(ran.stdout()).as("stderr: %s", ran.stderr()).isEqualTo("mine\n");
    assertThat(server.resolve("written")).doesNotExist();
  }

  @Test
  void runsUnderAHostUidOfItsOwnWhenTheServerIsRoot() throws Exception {
    assumeTrue(ROOT, "a server that is not root runs programs as its own user");
    String marker = ThreadLocalRandom.current().nextInt(3000, 900_000) + ".25";
    Path workspace = workspace();
    LaunchSpec spec =
        new LaunchSpec(List.of("/bin/sleep", marker), ENV, workspace, List.of(), LIMITS, false);
    try (ConfinedProcess started = sandbox.start(spec)) {
      eventually("the program started", () -> program(started, marker) != null);
      List<String> ids = idsOf(program(started, marker));

      // Real, effective, saved and file-system ids alike: none is root, each in the sandbox's
      // range.
      assertThat(ids)
          .hasSize(2)
          .allSatisfy(
              line ->
                  assertThat(Stream.of(line.split("\\s+")).skip(1).map(Integer::valueOf))
                      .hasSize(4)
                      .allSatisfy(
                          id ->
                              assertThat(id)
                                  .isBetween(
                                      Sandbox.DEFAULT_FIRST_UID,
                                      Sandbox.DEFAULT_FIRST_UID + Sandbox.DEFAULT_UID_COUNT - 1)));
      assertThat(sandbox.protections()).contains("own_uid");
    }
  }

  @Test
  void seccompFilterRefusesNewNamespacesWhereTheTierGivesIt() throws Exception {
    assumeTrue(
        sandbox.protections().contains("seccomp"),
        "this host gives the tier no filter: " + sandbox.gaps());

    Ran status = run(List.of("/bin/cat", "/proc/self/status"), LIMITS, "");
    Ran unshare =
        run(List.of("/usr/bin/unshare", "--user", "--map-root-user", "/bin/true"), LIMITS, "");

    assertThat(status.stdout())
        .containsPattern("(?m)^Seccomp:\\s+2$")
        .containsPattern("(?m)^NoNewPrivs:\\s+1$");
    assertThat(unshare.verdict().exitCode())
        .as("a user namespace was made")
        .isNotEqualTo(OptionalInt.of(0));
    assertThat(unshare.stderr()).contains("Operation not permitted");
  }

  /** What a run gave: the sandbox's verdict and the program's output. */
  record Ran(ConfinedProcess.Verdict verdict, String stdout, String stderr) {}

  /** Runs {@code argv} in a fresh workspace with {@code stdin}, reading its output to the end. */
  Ran run(List<String> argv, SandboxLimits limits, String stdin) throws Exception {
    return run(new LaunchSpec(argv, ENV, workspace(), List.of(), limits, false), stdin);
  }

  Ran run(LaunchSpec spec, String stdin) throws Exception {
    try (ConfinedProcess started = sandbox.start(spec)) {
      Process process = started.process();
      CompletableFuture<String> out =
          CompletableFuture.supplyAsync(() -> read(process.getInputStream()), pumps);
      CompletableFuture<String> err =
          CompletableFuture.supplyAsync(() -> read(process.getErrorStream()), pumps);
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // The program did not read it all.
      }
      ConfinedProcess.Verdict verdict = started.await(spec.limits().wallTime());
      return new Ran(
          verdict,
          out.get(WAIT.toMillis(), TimeUnit.MILLISECONDS),
          err.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  /** A fresh workspace under {@link #root}. */
  Path workspace() throws IOException {
    return Files.createDirectory(root.resolve("workspace-" + workspaces.incrementAndGet()));
  }

  private static String read(InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The program's own process, the started one or a descendant: the one whose only argument is
   * {@code argument}.
   */
  private static ProcessHandle program(ConfinedProcess started, String argument) {
    return Stream.concat(Stream.of(started.process().toHandle()), started.process().descendants())
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(args -> args.length == 1 && args[0].equals(argument))
                    .orElse(false))
        .findFirst()
        .orElse(null);
  }

  /** The Uid: and Gid: lines of a process as the host sees it. */
  private static List<String> idsOf(ProcessHandle process) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
        .filter(line -> line.startsWith("Uid:") || line.startsWith("Gid:"))
        .toList();
  }

  private static long running(String command) {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.isAlive()
                    && p.info().commandLine().map(line -> line.endsWith(command)).orElse(false))
        .count();
  }

  static void eventually(String what, BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + WAIT + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  private static boolean isRoot() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("Uid:"))
          .anyMatch(l -> l.split("\\s+")[2].equals("0"));
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
