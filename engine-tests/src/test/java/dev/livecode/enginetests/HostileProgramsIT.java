package dev.livecode.enginetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.runner.node.JavaScriptRunner;
import dev.livecode.runner.python.PythonRunner;
import dev.livecode.sandbox.Isolation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hostile programs, run through the engine on the bwrap tier (and the key ones on unshare), in
 * python and node wherever the attack applies. Each must be contained, get the right status, and
 * leave the server healthy: no process left, the workspace root empty, threads and open file
 * descriptors back to normal, no process left in the run cgroups (kept empty for reuse, and removed
 * when the engines close).
 */
class HostileProgramsIT {
  private static final Logger LOG = LoggerFactory.getLogger(HostileProgramsIT.class);
  private static final long MIB = 1024L * 1024L;

  /** Short limits keep the suite fast; margins below are generous for a loaded 2-core host. */
  private static final Limits LIMITS =
      new Limits(Duration.ofSeconds(3), Duration.ofSeconds(1), 256 * MIB, 64, 8 * MIB, 64 * 1024);

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration SETTLE = Duration.ofSeconds(15);
  private static final int WORKERS = 4;

  static final Map<Isolation, LivecodeEngine> ENGINES = new EnumMap<>(Isolation.class);
  private static final Map<Isolation, Path> ROOTS = new EnumMap<>(Isolation.class);
  private static int baselineThreads;
  private static long baselineFds;
  private static String tmpPermissions;
  private static volatile String attack = "";

  record Case(Isolation tier, String language) {
    boolean python() {
      return language.equals("python");
    }

    @Override
    public String toString() {
      return tier + "/" + language;
    }
  }

  static Stream<Case> bwrapBoth() {
    return Stream.of(new Case(Isolation.BWRAP, "python"), new Case(Isolation.BWRAP, "javascript"));
  }

  static Stream<Case> allTiersBoth() {
    return Stream.concat(
        bwrapBoth(),
        Stream.of(
            new Case(Isolation.UNSHARE, "python"), new Case(Isolation.UNSHARE, "javascript")));
  }

  /** Warm processes or ready sandboxes per language of the engines (0: every run starts cold). */
  private static int warmPool;

  /** Processes of this JVM, and run cgroups, once the engines are idle (their warm pools full). */
  private static long idleProcesses;

  private static long idleCgroupTasks;

  /**
   * Entries of each workspace root once the engines are idle: a folder per waiting warm process
   * started in bwrap, one for all of a fork server's.
   */
  private static final Map<Path, Long> IDLE_WORKSPACES = new HashMap<>();

  /** Idle run cgroups an engine keeps for reuse, per hierarchy (Cgroups.MAX_IDLE). */
  private static final int REUSED_CGROUPS = 64;

  /**
   * Both tiers, cold; {@link WarmHostileProgramsIT} runs the suite on bwrap with warm pools, {@link
   * ReadyHostileProgramsIT} with ready sandboxes.
   */
  @BeforeAll
  static void startEngines(TestInfo suite) throws Exception {
    if (suite.getTestClass().filter(WarmHostileProgramsIT.class::isAssignableFrom).isPresent()) {
      startEngines(List.of(Isolation.BWRAP), WarmHostileProgramsIT.WARM_POOL, 0);
    } else if (suite
        .getTestClass()
        .filter(ReadyHostileProgramsIT.class::isAssignableFrom)
        .isPresent()) {
      startEngines(List.of(Isolation.BWRAP), 0, ReadyHostileProgramsIT.READY_SANDBOXES);
    } else {
      startEngines(List.of(Isolation.BWRAP, Isolation.UNSHARE), 0, 0);
    }
  }

  static void startEngines(List<Isolation> tiers, int warm, int ready) throws Exception {
    warmPool = warm + ready;
    tmpPermissions =
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(Path.of(System.getProperty("java.io.tmpdir"))));
    for (Isolation tier : tiers) {
      Path root = Files.createTempDirectory("livecode-hostile-" + tier.name().toLowerCase() + "-");
      ROOTS.put(tier, root);
      LivecodeEngine engine =
          Livecode.builder()
              .name("hostile-" + tier.name().toLowerCase())
              .discoverRunners(false)
              .runner(new PythonRunner())
              .runner(new JavaScriptRunner())
              .isolation(tier)
              .workers(WORKERS)
              .defaultLimits(LIMITS)
              .maxLimits(Limits.DEFAULT_CAPS)
              .workspaceRoot(root)
              .warmPool(warm)
              .readySandboxes(ready)
              .build();
      ENGINES.put(tier, engine);
      assertThat(engine.status().isolation()).isEqualTo(tier);
      // Warm up: the io pool, class loading and the runners' first start are not leaks.
      for (String language : List.of("python", "javascript")) {
        assertThat(run(new Case(tier, language), "print(1)", "console.log(1)").status())
            .isEqualTo(Execution.Status.COMPLETED);
      }
    }
    for (LivecodeEngine engine : ENGINES.values()) {
      eventually(
          "warm pools full",
          () -> WarmPools.full(engine, "python") && WarmPools.full(engine, "javascript"));
    }
    idleProcesses = steady(() -> ProcessHandle.current().descendants().count());
    idleCgroupTasks = runCgroupTasks();
    for (Path root : ROOTS.values()) {
      IDLE_WORKSPACES.put(root, steady(() -> entries(root)));
    }
    baselineThreads = Thread.activeCount();
    baselineFds = openFds();
  }

  /** A count once it has not changed for half a second (warm processes finishing their start). */
  private static long steady(java.util.function.LongSupplier count) throws InterruptedException {
    long last = count.getAsLong();
    long stableSince = System.nanoTime();
    long deadline = stableSince + SETTLE.toNanos();
    while (System.nanoTime() - stableSince < 500_000_000L && System.nanoTime() < deadline) {
      Thread.sleep(20);
      long now = count.getAsLong();
      if (now != last) {
        last = now;
        stableSince = System.nanoTime();
      }
    }
    return last;
  }

  @AfterAll
  static void closeEngines() throws Exception {
    ENGINES.values().forEach(LivecodeEngine::close);
    eventually(
        "no process left once the engines are closed",
        () -> ProcessHandle.current().descendants().count() == 0);
    assertThat(runCgroups()).as("run cgroups removed once the engines are closed").isZero();
    for (Path root : ROOTS.values()) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    ENGINES.clear();
    ROOTS.clear();
    IDLE_WORKSPACES.clear();
  }

  @BeforeEach
  void nameTheAttack(TestInfo test) {
    attack = test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("?");
  }

  /** The server is healthy after every attack. */
  @AfterEach
  void serverIsHealthy() throws Exception {
    // With warm pools, their waiting processes, workspaces and cgroups are all that may be left.
    eventually(
        "no process left behind",
        () -> ProcessHandle.current().descendants().count() == idleProcesses);
    for (Path root : ROOTS.values()) {
      eventually(
          "workspace root " + root + " holds only warm workspaces",
          () -> entries(root) == IDLE_WORKSPACES.get(root));
    }
    eventually("no process left in the run cgroups", () -> runCgroupTasks() == idleCgroupTasks);
    assertThat(runCgroups())
        .as("run cgroups kept for reuse")
        .isLessThanOrEqualTo(
            3L * REUSED_CGROUPS * ENGINES.size() + 3L * 2 * warmPool * ENGINES.size());
    eventually("open file descriptors back to normal", () -> openFds() <= baselineFds + 8);
    // Idle io threads of the engines' cached pools may linger (60 s): bounded by concurrency, not
    // by runs.
    eventually(
        "threads back to normal",
        () -> Thread.activeCount() <= baselineThreads + 4 * WORKERS * ENGINES.size());
    for (LivecodeEngine engine : ENGINES.values()) {
      assertThat(engine.status().up()).isTrue();
    }
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(Path.of(System.getProperty("java.io.tmpdir")))))
        .as("the sandbox leaves the host's temp folder as it was")
        .isEqualTo(tmpPermissions);
  }

  // ---- time ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("allTiersBoth")
  void infiniteLoopTimesOut(Case c) {
    Execution.Result result = run(c, "while True: pass", "for (;;) {}");
    assertThat(result.status()).isEqualTo(Execution.Status.TIMEOUT);
    assertThat(result.stderr()).endsWith("Execution Timed Out");
  }

  /**
   * Run cgroups are reused: the CPU time of a run that timed out must not count against the next
   * runs in its group (a SIGKILL would then be taken for the hard CPU limit and reported TIMEOUT).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("allTiersBoth")
  void runsAfterACpuTimeoutAreNotChargedItsCpuTime(Case c) throws Exception {
    assertThat(run(c, "while True: pass", "for (;;) {}").status())
        .isEqualTo(Execution.Status.TIMEOUT);
    for (int i = 0; i < runsThroughAReusedGroup(); i++) {
      Execution.Result result =
          run(c, "import os\nos.kill(os.getpid(), 9)", "process.kill(process.pid, 'SIGKILL')");
      assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
      assertThat(result.failureReason()).contains(Execution.FailureReason.SIGNALED);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bwrapBoth")
  void busyLoopInManyThreadsTimesOut(Case c) {
    Execution.Result result =
        run(
            c,
            "import threading\ndef spin():\n    while True:\n        pass\nfor _ in range(8):\n    threading.Thread(target=spin).start()\n",
            "const { Worker } = require('worker_threads');\n"
                + "for (let i = 0; i < 4; i++) new Worker('for (;;) {}', { eval: true });\n");
    assertThat(result.status()).isEqualTo(Execution.Status.TIMEOUT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allTiersBoth")
  void sleepFarPastTheLimitTimesOutAtTheWallLimit(Case c) {
    long started = System.nanoTime();
    Execution.Result result =
        run(c, "import time\ntime.sleep(3600)", "setTimeout(() => {}, 3600000);");
    assertThat(result.status()).isEqualTo(Execution.Status.TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isLessThan(LIMITS.wallTime().plusSeconds(20));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allTiersBoth")
  void childThatDoubleForksAndCallsSetsidDoesNotOutliveTheRun(Case c) {
    Execution.Result result =
        run(
            c,
            "import os, time\n"
                + "if os.fork() == 0:\n"
                + "    os.setsid()\n"
                + "    if os.fork() == 0:\n"
                + "        os.close(1); os.close(2)\n"
                + "        time.sleep(3600)\n"
                + "    os._exit(0)\n"
                + "os.wait()\n"
                + "print('parent done')\n",
            "const { spawn } = require('child_process');\n"
                + "spawn('/bin/sh', ['-c', 'sleep 3600'], { detached: true, stdio: 'ignore' }).unref();\n"
                + "console.log('parent done');\n");
    assertThat(result.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("parent done\n");
    // serverIsHealthy: the escaped sleeper is gone too.
  }

  // ---- processes and memory ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("allTiersBoth")
  void forkBombIsCappedAndKilled(Case c) {
    Execution.Result result =
        run(
            c,
            "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
            "const cp = require('child_process');\n"
                + "cp.spawn('/bin/sh', ['-c', 'b() { b | b & }; b'], { stdio: 'ignore' });\n"
                + "for (;;) {}\n");
    assertThat(result.status()).isEqualTo(Execution.Status.TIMEOUT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bwrapBoth")
  void threadBombIsCappedAndKilled(Case c) {
    Execution.Result result =
        run(
            c,
            "import threading, time\nwhile True:\n    try:\n        threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()\n"
                + "    except RuntimeError:\n        pass\n",
            "const { Worker } = require('worker_threads');\n"
                + "for (;;) { try { new Worker('setInterval(() => {}, 1000)', { eval: true }); } catch (e) {} }\n");
    // Python spins on "can't start new thread" until its CPU time is up; node dies at the
    // process or memory cap (V8 aborts when it cannot make a thread).
    if (c.python()) {
      assertThat(result.status()).isEqualTo(Execution.Status.TIMEOUT);
    } else {
      assertThat(result.status()).isIn(Execution.Status.TIMEOUT, Execution.Status.FAILED);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allTiersBoth")
  void allocatingTwoGibibytesUnderTheMemoryLimitIsKilledAsMemoryLimitExceeded(Case c) {
    Execution.Result result =
        run(
            c,
            "x = bytearray(2 * 1024 ** 3)\nprint(len(x))",
            "const b = [];\nfor (let i = 0; i < 2048; i++) b.push(Buffer.alloc(1024 * 1024, 1));\nconsole.log(b.length);");
    assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(result.failureReason()).contains(Execution.FailureReason.MEMORY_LIMIT_EXCEEDED);
  }

  /**
   * Run cgroups are reused: an OOM kill in one run must not be reported for the next runs in its
   * group.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("allTiersBoth")
  void runsAfterAMemoryKillAreNotReportedOverMemory(Case c) throws Exception {
    Execution.Result killed =
        run(
            c,
            "x = bytearray(2 * 1024 ** 3)",
            "const b = [];\nfor (;;) b.push(Buffer.alloc(1024 * 1024, 1));");
    assertThat(killed.failureReason()).contains(Execution.FailureReason.MEMORY_LIMIT_EXCEEDED);
    for (int i = 0; i < runsThroughAReusedGroup(); i++) {
      assertThat(run(c, "print(1)", "console.log(1)").status())
          .isEqualTo(Execution.Status.COMPLETED);
    }
  }

  // ---- output and files ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("allTiersBoth")
  void tenGibibytesOfStdoutIsKilledQuicklyAsOutputLimitExceeded(Case c) {
    long started = System.nanoTime();
    Execution.Result result =
        run(
            c,
            "import sys\nb = b'x' * (1 << 20)\nfor _ in range(10240):\n    sys.stdout.buffer.write(b)\n",
            "const b = Buffer.alloc(1 << 20, 120);\nlet i = 0;\n"
                + "function w() { while (i < 10240) { i++; if (!process.stdout.write(b)) { process.stdout.once('drain', w); return; } } }\nw();\n");
    assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(result.failureReason()).contains(Execution.FailureReason.OUTPUT_LIMIT_EXCEEDED);
    assertThat(result.stdoutTruncated()).isTrue();
    assertThat(result.stdout()).hasSize((int) LIMITS.maxOutputBytes());
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(LIMITS.wallTime());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bwrapBoth")
  void oneHundredMebibyteLineWithoutNewlineIsCut(Case c) {
    Execution.Result result =
        run(
            c,
            "import sys\nsys.stdout.write('x' * (100 * 1024 * 1024))",
            "process.stdout.write('x'.repeat(100 * 1024 * 1024));");
    assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(result.failureReason()).contains(Execution.FailureReason.OUTPUT_LIMIT_EXCEEDED);
    assertThat(result.stdout()).hasSize((int) LIMITS.maxOutputBytes());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allTiersBoth")
  void writingAFiveGibibyteFileStopsAtTheFileSizeLimit(Case c) {
    Execution.Result result =
        run(
            c,
            "b = b'x' * (1 << 20)\nwith open('big', 'wb') as f:\n    for _ in range(5120):\n        f.write(b)\n",
            "const fs = require('fs');\nconst b = Buffer.alloc(1 << 20, 120);\nconst fd = fs.openSync('big', 'w');\n"
                + "for (let i = 0; i < 5120; i++) fs.writeSync(fd, b);\n");
    assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
    // Python ignores SIGXFSZ and gets EFBIG; node dies of SIGXFSZ (or reports EFBIG).
    assertThat(result.failureReason().orElseThrow())
        .isIn(Execution.FailureReason.RUNTIME_ERROR, Execution.FailureReason.SIGNALED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bwrapBoth")
  void fillingTheWorkspaceStopsAtItsSize(Case c) {
    Execution.Result result =
        run(
            c,
            "i = 0\nwhile True:\n    with open('f%d' % i, 'wb') as f:\n        f.write(b'x' * (4 << 20))\n    i += 1\n",
            "const fs = require('fs');\nconst b = Buffer.alloc(4 << 20, 120);\nfor (let i = 0; ; i++) fs.writeFileSync('f' + i, b);\n");
    assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(result.failureReason()).contains(Execution.FailureReason.RUNTIME_ERROR);
    assertThat(result.stderr()).containsIgnoringCase("no space left");
  }

  // ---- network ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("allTiersBoth")
  void tcpConnectionsAndDnsLookupsFail(Case c) throws IOException {
    try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String ports = "6379 1409 " + listening.getLocalPort();
      Execution.Result result =
          run(
              c,
              new RunRequestSource(
                  "import socket\n"
                      + "for port in input().split():\n"
                      + "    try:\n"
                      + "        socket.create_connection(('127.0.0.1', int(port)), timeout=2).close()\n"
                      + "        print(port, 'CONNECTED')\n"
                      + "    except OSError:\n"
                      + "        print(port, 'refused')\n"
                      + "try:\n"
                      + "    socket.create_connection(('1.1.1.1', 80), timeout=2).close()\n"
                      + "    print('outside CONNECTED')\n"
                      + "except OSError:\n"
                      + "    print('outside refused')\n"
                      + "try:\n"
                      + "    socket.getaddrinfo('example.com', 80)\n"
                      + "    print('dns RESOLVED')\n"
                      + "except OSError:\n"
                      + "    print('dns failed')\n",
                  "const net = require('net'), dns = require('dns');\n"
                      + "const ports = require('fs').readFileSync(0, 'utf8').trim().split(' ');\n"
                      + "const out = {};\n"
                      + "function tryConnect(name, host, port) { return new Promise(done => {\n"
                      + "  const s = net.connect({ host, port, timeout: 2000 });\n"
                      + "  s.on('connect', () => { out[name] = 'CONNECTED'; s.destroy(); done(); });\n"
                      + "  s.on('error', () => { out[name] = 'refused'; done(); });\n"
                      + "  s.on('timeout', () => { out[name] = 'refused'; s.destroy(); done(); }); }); }\n"
                      + "(async () => {\n"
                      + "  for (const p of ports) await tryConnect(p, '127.0.0.1', Number(p));\n"
                      + "  await tryConnect('outside', '1.1.1.1', 80);\n"
                      + "  await new Promise(done => dns.lookup('example.com', e => { out.dns = e ? 'failed' : 'RESOLVED'; done(); }));\n"
                      + "  for (const p of ports) console.log(p, out[p]);\n"
                      + "  console.log('outside', out.outside); console.log('dns', out.dns);\n"
                      + "})();\n"),
              ports + "\n");
      assertThat(result.status()).isEqualTo(Execution.Status.COMPLETED);
      assertThat(result.stdout())
          .isEqualTo(
              "6379 refused\n1409 refused\n"
                  + listening.getLocalPort()
                  + " refused\noutside refused\ndns failed\n");
    }
  }

  // ---- the server's secrets and processes ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("allTiersBoth")
  void serverFilesAndEnvironmentAreNotReadable(Case c) throws IOException {
    String token = "livecode-secret-" + UUID.randomUUID();
    Path besideServer =
        Path.of("").toAbsolutePath().resolve("hostile-it-secret-" + UUID.randomUUID());
    Path inTmp = Files.createTempFile("hostile-it-secret-", "");
    try {
      for (Path secret : List.of(besideServer, inTmp)) {
        Files.writeString(secret, token);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
      }
      long jvm = ProcessHandle.current().pid();
      String stdin = besideServer + "\n" + inTmp + "\n" + jvm + "\n";
      Execution.Result result =
          run(
              c,
              new RunRequestSource(
                  "import os, sys\n"
                      + "paths = [sys.stdin.readline().strip(), sys.stdin.readline().strip()]\n"
                      + "jvm = sys.stdin.readline().strip()\n"
                      + "for p in paths + ['/proc/%s/environ' % jvm, '/proc/%s/cmdline' % jvm]:\n"
                      + "    try:\n"
                      + "        print('READ', open(p, 'rb').read())\n"
                      + "    except OSError as e:\n"
                      + "        print('denied', type(e).__name__)\n"
                      + "print('ENV', dict(os.environ))\n"
                      + "for p in os.listdir('/proc'):\n"
                      + "    if p.isdigit():\n"
                      + "        try:\n"
                      + "            print('PROC', p, open('/proc/%s/environ' % p, 'rb').read())\n"
                      + "        except OSError:\n"
                      + "            pass\n",
                  "const fs = require('fs');\n"
                      + "const [a, b, jvm] = fs.readFileSync(0, 'utf8').trim().split('\\n');\n"
                      + "for (const p of [a, b, `/proc/${jvm}/environ`, `/proc/${jvm}/cmdline`]) {\n"
                      + "  try { console.log('READ', fs.readFileSync(p, 'latin1')); } catch (e) { console.log('denied', e.code); } }\n"
                      + "console.log('ENV', JSON.stringify(process.env));\n"
                      + "for (const p of fs.readdirSync('/proc').filter(p => /^\\d+$/.test(p))) {\n"
                      + "  try { console.log('PROC', p, fs.readFileSync(`/proc/${p}/environ`, 'latin1')); } catch (e) {} }\n"),
              stdin);
      assertThat(result.status()).isEqualTo(Execution.Status.COMPLETED);
      assertThat(result.stdout()).doesNotContain(token).doesNotContain("READ").contains("denied");
      assertThat(result.stdout())
          .doesNotContain("HOME=/root")
          .doesNotContain("'HOME': '/root'")
          .doesNotContain("\"HOME\":\"/root\"");
      String jvmPath = System.getenv("PATH");
      if (jvmPath != null && !jvmPath.equals("/usr/local/bin:/usr/bin:/bin")) {
        assertThat(result.stdout()).doesNotContain(jvmPath);
      }
      String secretEnv = System.getenv("LIVECODE_TEST_SECRET");
      assertThat(secretEnv).as("failsafe sets LIVECODE_TEST_SECRET in the test JVM").isNotBlank();
      assertThat(result.stdout()).doesNotContain(secretEnv).doesNotContain("LIVECODE_TEST_SECRET");
    } finally {
      Files.deleteIfExists(besideServer);
      Files.deleteIfExists(inTmp);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allTiersBoth")
  void seesOnlyItsOwnProcessesAndCannotKillTheServer(Case c) {
    long jvm = ProcessHandle.current().pid();
    Execution.Result result =
        run(
            c,
            new RunRequestSource(
                "import os, signal\n"
                    + "jvm = int(input())\n"
                    + "pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"
                    + "print('pids', len(pids), jvm in pids)\n"
                    + "for target in (jvm, 1):\n"
                    + "    try:\n"
                    + "        os.kill(target, signal.SIGKILL)\n"
                    + "        print('killed', target == jvm)\n"
                    + "    except OSError as e:\n"
                    + "        print('kill failed', type(e).__name__)\n",
                "const fs = require('fs');\n"
                    + "const jvm = Number(fs.readFileSync(0, 'utf8').trim());\n"
                    + "const pids = fs.readdirSync('/proc').filter(p => /^\\d+$/.test(p)).map(Number);\n"
                    + "console.log('pids', pids.length, pids.includes(jvm) ? 'True' : 'False');\n"
                    + "try { process.kill(jvm, 'SIGKILL'); console.log('killed', true); } catch (e) { console.log('kill failed', e.code); }\n"),
            jvm + "\n");
    assertThat(ProcessHandle.current().isAlive()).isTrue();
    assertThat(result.stdout()).doesNotContain("killed True").doesNotContain("killed true");
    String firstLine = result.stdout().lines().findFirst().orElse("");
    assertThat(firstLine).startsWith("pids ").endsWith(" False");
    int visible = Integer.parseInt(firstLine.split(" ")[1]);
    assertThat(visible)
        .as("processes visible in /proc: only the sandbox's own")
        .isLessThanOrEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allTiersBoth")
  void cannotReadAnotherExecutionsWorkspaceWhileBothRun(Case c) throws Exception {
    LivecodeEngine engine = ENGINES.get(c.tier());
    String token = "workspace-token-" + UUID.randomUUID();
    String holder =
        c.python()
            ? "import time\nopen('marker', 'w').write('"
                + token
                + "')\nprint('written', flush=True)\ntime.sleep(2.5)\nprint(open('marker').read())\n"
            : "const fs = require('fs');\nfs.writeFileSync('marker', '"
                + token
                + "');\nconsole.log('written');\n"
                + "setTimeout(() => console.log(fs.readFileSync('marker', 'utf8')), 2500);\n";
    Session holderSession = engine.createSession(c.language(), holder);
    Execution held = engine.run(RunRequest.of(holderSession.id()));
    Path root = ROOTS.get(c.tier());
    if (c.tier() == Isolation.UNSHARE) {
      // The holder's workspace is on the host here: wait until its marker is written.
      eventually(
          "holder wrote its marker",
          () -> {
            try (Stream<Path> walk =
                Files.find(root, 2, (p, a) -> p.getFileName().toString().equals("marker"))) {
              return walk.findAny().isPresent();
            }
          });
    } else {
      eventually(
          "holder running",
          () -> engine.getExecution(held.id()).status() == Execution.Status.RUNNING);
    }
    Execution.Result prying =
        run(
            c,
            new RunRequestSource(
                "import glob, os\nroot = input()\nfound = []\n"
                    + "for pattern in [root + '/*/marker', '/work/*/marker', '/tmp/*/marker', '/proc/*/root/work/marker', '/proc/*/cwd/marker', '../*/marker']:\n"
                    + "    for p in glob.glob(pattern):\n"
                    + "        try:\n"
                    + "            found.append(open(p).read())\n"
                    + "        except OSError:\n"
                    + "            pass\n"
                    + "try:\n"
                    + "    found.append(' '.join(os.listdir(root)))\n"
                    + "except OSError as e:\n"
                    + "    pass\n"
                    + "print('found', found)\n",
                "const fs = require('fs'), path = require('path');\n"
                    + "const root = fs.readFileSync(0, 'utf8').trim();\nconst found = [];\n"
                    + "for (const dir of [root, '/work', '/tmp', '..']) {\n"
                    + "  let names = [];\n"
                    + "  try { names = fs.readdirSync(dir); found.push(names.join(' ')); } catch (e) {}\n"
                    + "  for (const n of names) { try { found.push(fs.readFileSync(path.join(dir, n, 'marker'), 'utf8')); } catch (e) {} } }\n"
                    + "console.log('found', JSON.stringify(found));\n"),
            root + "\n");
    assertThat(prying.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(prying.stdout()).startsWith("found").doesNotContain(token);
    Execution holderDone = engine.awaitExecution(held.id(), WAIT);
    assertThat(holderDone.result().orElseThrow().stdout()).isEqualTo("written\n" + token + "\n");
  }

  @Test
  void closingAnotherEngineLeavesThisEnginesSandboxWorking() throws IOException {
    Path root = Files.createTempDirectory("livecode-hostile-other-");
    try {
      LivecodeEngine other =
          Livecode.builder()
              .name("hostile-other")
              .discoverRunners(false)
              .runner(new PythonRunner())
              .isolation(Isolation.BWRAP)
              .workers(1)
              .workspaceRoot(root)
              .build();
      other.close();
      assertThat(run(new Case(Isolation.BWRAP, "python"), "print('still here')", "").stdout())
          .isEqualTo("still here\n");
    } finally {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void sandboxThatCannotStartTheProgramIsAnInternalErrorWithoutItsDetailForTheUser()
      throws IOException {
    Path root = Files.createTempDirectory("livecode-hostile-broken-");
    LanguageRunner broken =
        new LanguageRunner() {
          @Override
          public String id() {
            return "broken";
          }

          @Override
          public String displayName() {
            return "Broken";
          }

          @Override
          public LanguageRunner.Probe probe(LanguageRunner.Settings settings) {
            return LanguageRunner.Probe.available(
                "1", Path.of("/nonexistent/livecode-interpreter"), List.of());
          }

          @Override
          public LanguageRunner.Program prepare(
              String sourceCode, LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
            return LanguageRunner.Program.interpreted(
                Map.of("main.x", sourceCode),
                LanguageRunner.Command.of(List.of(probe.requireExecutable().toString(), "main.x")));
          }
        };
    try (LivecodeEngine engine =
        Livecode.builder()
            .name("hostile-broken")
            .discoverRunners(false)
            .runner(broken)
            .isolation(Isolation.BWRAP)
            .workers(1)
            .workspaceRoot(root)
            .build()) {
      Session session = engine.createSession("broken", "anything");
      Execution done = engine.awaitExecution(engine.run(RunRequest.of(session.id())).id(), WAIT);
      Execution.Result result = done.result().orElseThrow();
      assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
      assertThat(result.failureReason()).contains(Execution.FailureReason.INTERNAL_ERROR);
      assertThat(result.stderr()).doesNotContain("bwrap").doesNotContain("nonexistent");
    } finally {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  // ---- load ----

  @Test
  void hundredExecutionsAtOnceWithTwentyHostileLetTheEightyBenignOnesComplete() {
    LivecodeEngine engine = ENGINES.get(Isolation.BWRAP);
    List<String[]> hostile =
        List.of(
            new String[] {"python", "while True: pass"},
            new String[] {
              "python",
              "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
            },
            new String[] {"python", "x = bytearray(2 * 1024 ** 3)"},
            new String[] {"python", "import sys\nwhile True: sys.stdout.write('x' * 65536)"},
            new String[] {"javascript", "setTimeout(() => {}, 3600000);"});
    List<Execution> benign = new ArrayList<>();
    List<Execution> bad = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      if (i % 5 == 4) {
        String[] attack = hostile.get((i / 5) % hostile.size());
        bad.add(engine.run(RunRequest.of(engine.createSession(attack[0], attack[1]).id())));
      } else if (i % 2 == 0) {
        benign.add(
            engine.run(
                RunRequest.of(
                    engine
                        .createSession(
                            "python",
                            "import sys; print(" + i + " * " + i + "); sys.stderr.write(\"err\")")
                        .id())));
      } else {
        benign.add(
            engine.run(
                RunRequest.of(
                    engine
                        .createSession(
                            "javascript",
                            "console.log(" + i + " * " + i + "); console.error(\"err\")")
                        .id())));
      }
    }
    assertThat(benign).hasSize(80);
    List<String> wrongOutput = new ArrayList<>();
    for (Execution queued : benign) {
      Execution done = engine.awaitExecution(queued.id(), Duration.ofSeconds(120));
      assertThat(done.status())
          .as("benign run %s: %s", queued.id(), done.result())
          .isEqualTo(Execution.Status.COMPLETED);
      Execution.Result result = done.result().orElseThrow();
      assertThat(result.stderr().trim()).as("benign run %s ran", queued.id()).isEqualTo("err");
      int i =
          Integer.parseInt(
              engine
                  .getSession(queued.sessionId())
                  .sourceCode()
                  .replaceAll("\\D+", " ")
                  .trim()
                  .split(" ")[0]);
      if (!result.stdout().equals((long) i * i + "\n")) {
        wrongOutput.add(queued.id() + " stdout=" + result.stdout());
      }
    }
    assertThat(wrongOutput).as("benign runs with wrong stdout").isEmpty();
    for (Execution queued : bad) {
      Execution done = engine.awaitExecution(queued.id(), Duration.ofSeconds(120));
      assertThat(done.status()).isIn(Execution.Status.TIMEOUT, Execution.Status.FAILED);
    }
  }

  // ---- helpers ----

  /**
   * Sequential runs after which one has surely used the group of an earlier run: a cold run takes
   * the group released last (once released: awaited here), a warm one the group of a process
   * started before it, and every warm process of a language is replaced within the pool's size.
   */
  private static int runsThroughAReusedGroup() throws Exception {
    eventually("no process left in the run cgroups", () -> runCgroupTasks() == idleCgroupTasks);
    return 2 * warmPool + 1;
  }

  private record RunRequestSource(String python, String javascript) {}

  static Execution.Result run(Case c, String python, String javascript) {
    return run(c, new RunRequestSource(python, javascript), "");
  }

  private static Execution.Result run(Case c, RunRequestSource source, String stdin) {
    LivecodeEngine engine = ENGINES.get(c.tier());
    Session session =
        engine.createSession(c.language(), c.python() ? source.python() : source.javascript());
    Execution queued =
        engine.run(RunRequest.of(session.id()).withStdin(stdin).withLimits(Limits.Overrides.NONE));
    Execution done = engine.awaitExecution(queued.id(), WAIT);
    assertThat(done.status().isFinal()).as("finished within %s", WAIT).isTrue();
    Execution.Result result = done.result().orElseThrow();
    LOG.info(
        "hostile attack={} case={} status={} reason={} signal={} exit={} ms={}",
        attack,
        c,
        result.status(),
        result.failureReason().map(Enum::name).orElse("-"),
        result.signal(),
        result.exitCode(),
        result.executionTime().toMillis());
    return result;
  }

  private static long openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long entries(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.count();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Per-run cgroups of this JVM (the parents stay until the engines close). */
  private static long runCgroups() {
    return runCgroupDirs().size();
  }

  /** Processes in the per-run cgroups of this JVM (each counted once per hierarchy it is in). */
  private static long runCgroupTasks() {
    return runCgroupDirs().stream()
        .mapToLong(
            dir -> {
              try {
                return Files.readAllLines(dir.resolve("cgroup.procs")).stream()
                    .filter(l -> !l.isBlank())
                    .count();
              } catch (IOException e) {
                return 0; // removed meanwhile
              }
            })
        .sum();
  }

  private static List<Path> runCgroupDirs() {
    String parent = "livecode-" + ProcessHandle.current().pid() + "-";
    Path base = Path.of("/sys/fs/cgroup");
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    try (Stream<Path> walk =
        Files.find(
            base,
            5,
            (p, a) ->
                a.isDirectory()
                    && p.getFileName() != null
                    && p.getFileName().toString().startsWith("run-")
                    && p.getParent().getFileName().toString().startsWith(parent))) {
      return walk.toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of();
    }
  }

  interface Check {
    boolean holds() throws Exception;
  }

  static void eventually(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + SETTLE + ": " + what);
      }
      Thread.sleep(20);
    }
  }
}
