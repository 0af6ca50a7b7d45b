package dev.livecode.enginetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.runner.node.JavaScriptRunner;
import dev.livecode.runner.python.PythonRunner;
import dev.livecode.sandbox.Isolation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a program must never reach, tried on every tier (bwrap, unshare, none) and on every way a
 * run starts (cold, on a warm interpreter started in the sandbox or forked from the fork server, in
 * a ready sandbox): host root, writable {@code /proc/sys}, the kernel surface behind most container
 * escapes (io_uring, userfaultfd, bpf, keyrings, new user namespaces, raw packet sockets), and on
 * bwrap the server's host paths. Ordinary programs (threads, subprocesses, asyncio, temporary
 * files, node's fs promises and timers) must still work under the same confinement.
 *
 * <p>The uid is read from outside, in the host's {@code /proc/<pid>/status}: inside, a nested user
 * namespace shows {@code 65534 0 1} whatever the host uid is.
 */
class SandboxHardeningIT {
  private static final long MIB = 1024L * 1024L;
  private static final Limits LIMITS =
      new Limits(Duration.ofSeconds(10), Duration.ofSeconds(5), 256 * MIB, 64, 8 * MIB, 64 * 1024);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final boolean ROOT = "0".equals(hostUid(ProcessHandle.current().pid()).orElse(""));

  enum Start {
    COLD,
    /** Warm interpreters each started in the sandbox, python's too (no fork server). */
    WARM,
    /** Warm interpreters, python's forked from the fork server (bwrap as root only). */
    FORKED,
    READY
  }

  record Engine(Isolation tier, Start start) {
    @Override
    public String toString() {
      return tier.name().toLowerCase() + "/" + start.name().toLowerCase();
    }
  }

  record Case(Engine engine, String language) {
    @Override
    public String toString() {
      return engine + "/" + language;
    }
  }

  private static final Map<Engine, LivecodeEngine> ENGINES = new LinkedHashMap<>();
  private static final Map<Engine, Path> ROOTS = new LinkedHashMap<>();

  static Stream<Engine> engines() {
    List<Engine> all = new ArrayList<>();
    for (Isolation tier : List.of(Isolation.BWRAP, Isolation.UNSHARE, Isolation.NONE)) {
      for (Start start : Start.values()) {
        if (start != Start.FORKED || tier == Isolation.BWRAP) {
          all.add(new Engine(tier, start));
        }
      }
    }
    return all.stream();
  }

  static Stream<Case> python() {
    return engines().map(e -> new Case(e, "python"));
  }

  static Stream<Case> both() {
    return engines().flatMap(e -> Stream.of(new Case(e, "python"), new Case(e, "javascript")));
  }

  static Stream<Case> bwrapBoth() {
    return both().filter(c -> c.engine().tier() == Isolation.BWRAP);
  }

  @BeforeAll
  static void startEngines() throws Exception {
    for (Engine e : engines().toList()) {
      Path root =
          Files.createTempDirectory("livecode-hardening-" + e.tier().name().toLowerCase() + "-");
      ROOTS.put(e, root);
      LivecodeEngine engine =
          Livecode.builder()
              .name("hardening-" + e)
              .discoverRunners(false)
              .runner(new PythonRunner())
              .runner(new JavaScriptRunner())
              .isolation(e.tier())
              .workers(2)
              .defaultLimits(LIMITS)
              .workspaceRoot(root)
              .warmPool(e.start() == Start.WARM || e.start() == Start.FORKED ? 1 : 0)
              .forkServers(e.start() == Start.FORKED)
              .readySandboxes(e.start() == Start.READY ? 1 : 0)
              .build();
      ENGINES.put(e, engine);
      assertThat(engine.status().isolation()).isEqualTo(e.tier());
    }
  }

  @AfterAll
  static void closeEngines() throws IOException {
    ENGINES.values().forEach(LivecodeEngine::close);
    ENGINES.clear();
    for (Path root : ROOTS.values()) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    ROOTS.clear();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("both")
  void programIsNeverHostRootSeenFromTheHost(Case c) throws Exception {
    String marker = uniqueSleep();
    // The program starts a child whose argv the host can find, and ends when the test kills it.
    Execution running =
        start(
            c,
            "import subprocess\nsubprocess.Popen(['/bin/sleep', '" + marker + "']).wait()\n",
            "require('child_process').spawn('/bin/sleep', ['"
                + marker
                + "'], {stdio: 'ignore'}).on('exit', () => {});\n");
    ProcessHandle child = awaitProcessWithArgument(marker);
    try {
      ProcessHandle program = child.parent().orElseThrow();
      for (ProcessHandle process : List.of(child, program)) {
        Optional<String> uid = hostUid(process.pid());
        assertThat(uid).as("host uid of pid %d", process.pid()).isPresent();
        assertThat(uid.get()).as("host uid of pid %d", process.pid()).isNotEqualTo("0");
        if (ROOT) {
          assertThat(Integer.parseInt(uid.get()))
              .as("host uid of pid %d", process.pid())
              .isBetween(60000, 60999);
        }
        assertThat(hostGroups(process.pid()))
            .as("supplementary groups of pid %d", process.pid())
            .isEmpty();
      }
    } finally {
      child.destroyForcibly();
    }
    assertThat(finish(c, running).status()).isEqualTo(Execution.Status.COMPLETED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("python")
  void concurrentProgramsNeverShareAUid(Case c) throws Exception {
    List<String> markers = List.of(uniqueSleep(), uniqueSleep());
    List<Execution> runs = new ArrayList<>();
    for (String marker : markers) {
      runs.add(
          start(
              c,
              "import subprocess\nsubprocess.Popen(['/bin/sleep', '" + marker + "']).wait()\n",
              ""));
    }
    List<ProcessHandle> children = new ArrayList<>();
    try {
      for (String marker : markers) {
        children.add(awaitProcessWithArgument(marker));
      }
      List<String> uids = children.stream().map(p -> hostUid(p.pid()).orElseThrow()).toList();
      assertThat(uids).doesNotContain("0");
      if (ROOT) {
        assertThat(uids.get(0)).isNotEqualTo(uids.get(1));
      }
    } finally {
      children.forEach(ProcessHandle::destroyForcibly);
    }
    for (Execution run : runs) {
      finish(c, run);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("both")
  void everyProcSysWriteFails(Case c) throws Exception {
    Execution.Result result =
        run(
            c,
            """
        import os
        opened = []
        for top, dirs, files in os.walk('/proc/sys'):
            for name in files:
                path = os.path.join(top, name)
                # Writes back what it reads: a no-op if the write went through.
                try:
                    with open(path) as f:
                        value = f.read()
                    with open(path, 'w') as f:
                        f.write(value)
                    opened.append(path)
                except OSError:
                    pass
        for path in ['/proc/sys/kernel/core_pattern', '/proc/sys/vm/drop_caches', '/proc/sys/kernel/printk_ratelimit', '/proc/sysrq-trigger']:
            try:
                with open(path, 'w') as f:
                    f.write('1')
                opened.append(path)
            except OSError:
                pass
        print('written', opened)
        """,
            """
        const fs = require('fs'), path = require('path');
        const opened = [];
        const walk = (dir) => { let names = []; try { names = fs.readdirSync(dir); } catch (e) { return; }
          for (const n of names) { const p = path.join(dir, n); let st; try { st = fs.lstatSync(p); } catch (e) { continue; }
            if (st.isDirectory()) walk(p); else { try { fs.writeFileSync(p, fs.readFileSync(p)); opened.push(p); } catch (e) {} } } };
        walk('/proc/sys');
        for (const p of ['/proc/sys/kernel/core_pattern', '/proc/sysrq-trigger']) { try { fs.writeFileSync(p, '1'); opened.push(p); } catch (e) {} }
        console.log('written', JSON.stringify(opened));
        """);
    assertThat(result.stdout().trim()).isEqualTo("written []");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("python")
  void kernelAttackSurfaceIsClosed(Case c) throws Exception {
    Execution.Result result =
        run(
            c,
            """
        import ctypes, errno
        libc = ctypes.CDLL(None, use_errno=True)
        def attempt(name, nr, *args):
            r = libc.syscall(nr, *args)
            print(name, 'ok' if r >= 0 else 'refused', flush=True)
        attempt('io_uring_setup', 425, 1, ctypes.create_string_buffer(120))
        attempt('userfaultfd', 323, 0)
        attempt('userfaultfd_user_mode', 323, 1)
        attempt('bpf', 321, 0, ctypes.create_string_buffer(128), 128)
        attempt('add_key', 248, b'user', b'livecode', b'secret', 6, -3)
        attempt('keyctl', 250, 0, -3, 0)
        attempt('unshare_user', 272, 0x10000000)
        attempt('unshare_user_net', 272, 0x10000000 | 0x40000000)
        attempt('perf_event_open', 298, ctypes.create_string_buffer(128), 0, -1, -1, 0)
        """,
            "");
    assertThat(result.stdout().lines().toList())
        .containsExactly(
            "io_uring_setup refused",
            "userfaultfd refused",
            "userfaultfd_user_mode refused",
            "bpf refused",
            "add_key refused",
            "keyctl refused",
            "unshare_user refused",
            "unshare_user_net refused",
            "perf_event_open refused");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("both")
  void newUserNamespaceCannotBeMade(Case c) throws Exception {
    Execution.Result result =
        run(
            c,
            "import subprocess\nr = subprocess.run(['/usr/bin/unshare', '--user', '--map-root-user', '--net', '/bin/true'], capture_output=True)\n"
                + "print('exit', r.returncode != 0)\n",
            "const r = require('child_process').spawnSync('/usr/bin/unshare', ['--user', '--map-root-user', '--net', '/bin/true']);\n"
                + "console.log('exit', r.status !== 0);\n");
    assertThat(result.stdout())
        .isEqualTo(c.language().equals("python") ? "exit True\n" : "exit true\n");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("python")
  void rawPacketSocketCannotBeOpened(Case c) throws Exception {
    Execution.Result result =
        run(
            c,
            """
        import socket
        for family, kind in [(socket.AF_PACKET, socket.SOCK_RAW), (socket.AF_PACKET, socket.SOCK_DGRAM), (socket.AF_INET, socket.SOCK_RAW)]:
            try:
                socket.socket(family, kind, 0).close()
                print('opened', family, kind)
            except OSError:
                print('refused')
        try:
            socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12).close()
            print('opened netfilter')
        except OSError:
            print('refused')
        """,
            "");
    assertThat(result.stdout().lines().toList())
        .containsExactly("refused", "refused", "refused", "refused");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("python")
  void ordinaryPythonStillWorks(Case c) throws Exception {
    Execution.Result result =
        run(
            c,
            """
        import asyncio, subprocess, tempfile, threading, os, socket, multiprocessing
        out = []
        t = threading.Thread(target=lambda: out.append('thread')); t.start(); t.join()
        out.append(subprocess.run(['/bin/echo', 'subprocess'], capture_output=True, text=True).stdout.strip())
        async def main():
            await asyncio.sleep(0.01)
            p = await asyncio.create_subprocess_exec('/bin/echo', 'async-subprocess', stdout=asyncio.subprocess.PIPE)
            return (await p.communicate())[0].decode().strip()
        out.append(asyncio.run(main()))
        with tempfile.NamedTemporaryFile('w+', delete=True) as f:
            f.write('temp'); f.flush(); f.seek(0); out.append(f.read())
        a, b = socket.socketpair(); a.send(b'pair'); out.append(b.recv(4).decode())
        with multiprocessing.Pool(2) as pool:
            out.append(str(sum(pool.map(abs, [-1, -2]))))
        print(' '.join(out))
        """,
            "");
    assertThat(result.stdout()).isEqualTo("thread subprocess async-subprocess temp pair 3\n");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("both")
  void ordinaryNodeStillWorks(Case c) throws Exception {
    if (!c.language().equals("javascript")) {
      return;
    }
    Execution.Result result =
        run(
            c,
            "",
            """
        const fs = require('fs'), os = require('os'), path = require('path'), cp = require('child_process');
        (async () => {
          const out = [];
          await new Promise(r => setTimeout(r, 10));
          out.push('timer');
          const file = path.join(os.tmpdir(), 'livecode-' + process.pid);
          await fs.promises.writeFile(file, 'promises');
          out.push(await fs.promises.readFile(file, 'utf8'));
          await fs.promises.unlink(file);
          out.push(cp.execFileSync('/bin/echo', ['child']).toString().trim());
          const { Worker } = require('worker_threads');
          out.push(await new Promise(r => new Worker("require('worker_threads').parentPort.postMessage('worker')", { eval: true }).on('message', r)));
          console.log(out.join(' '));
        })();
        """);
    assertThat(result.stdout()).isEqualTo("timer promises child worker\n");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bwrapBoth")
  void noHostPathInMountinfoOrTheSandboxCommandLine(Case c) throws Exception {
    Execution.Result result =
        run(
            c,
            """
        for path in ['/proc/self/mountinfo', '/proc/1/cmdline', '/proc/1/environ', '/proc/self/cmdline']:
            try:
                print(open(path, 'rb').read().replace(b'\\0', b' ').decode())
            except OSError as e:
                print(path, e)
        """,
            """
        const fs = require('fs');
        for (const p of ['/proc/self/mountinfo', '/proc/1/cmdline', '/proc/1/environ']) {
          try { console.log(fs.readFileSync(p).toString().replace(/\\0/g, ' ')); } catch (e) { console.log(p, e.code); }
        }
        """);
    assertThat(result.status()).isEqualTo(Execution.Status.COMPLETED);
    String seen = result.stdout();
    assertThat(seen).contains("/work");
    assertThat(seen)
        .doesNotContain(ROOTS.get(c.engine()).toString())
        .doesNotContain(System.getProperty("java.io.tmpdir") + "/livecode-")
        .doesNotContain("/root/")
        .doesNotContain("--ro-bind");
  }

  /**
   * On bwrap the host-wide parts of /proc are empty or behind /dev/null, whatever the uid may read.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("bwrapBoth")
  void hostWidePartsOfProcAreEmptyOrMasked(Case c) throws Exception {
    Execution.Result result =
        run(
            c,
            """
        import os
        for d in ['/proc/sys', '/proc/fs', '/proc/bus', '/proc/irq']:
            if os.path.isdir(d):
                print(d, 'entries', len(os.listdir(d)))
        for f in ['/proc/keys', '/proc/kallsyms', '/proc/timer_list', '/proc/sysrq-trigger', '/proc/key-users']:
            if os.path.exists(f):
                try:
                    print(f, 'bytes', len(open(f, 'rb').read()))
                except OSError as e:
                    print(f, 'unreadable')
        """,
            """
        const fs = require('fs');
        for (const d of ['/proc/sys', '/proc/fs', '/proc/bus', '/proc/irq']) {
          if (fs.existsSync(d)) console.log(d, 'entries', fs.readdirSync(d).length);
        }
        for (const f of ['/proc/keys', '/proc/kallsyms', '/proc/timer_list', '/proc/sysrq-trigger', '/proc/key-users']) {
          if (fs.existsSync(f)) { try { console.log(f, 'bytes', fs.readFileSync(f).length); } catch (e) { console.log(f, 'unreadable'); } }
        }
        """);
    List<String> lines = result.stdout().lines().toList();
    // /dev/null bound into /proc (mounted nodev) cannot even be opened: masked either way.
    assertThat(lines)
        .contains("/proc/sys entries 0")
        .anySatisfy(line -> assertThat(line).startsWith("/proc/kallsyms "));
    assertThat(lines)
        .allSatisfy(line -> assertThat(line).matches(".* (entries 0|bytes 0|unreadable)"));
  }

  // --- helpers ---

  private static LivecodeEngine engine(Case c) {
    return ENGINES.get(c.engine());
  }

  private static String program(Case c, String python, String javascript) {
    return c.language().equals("python") ? python : javascript;
  }

  private static Execution start(Case c, String python, String javascript) throws Exception {
    LivecodeEngine engine = engine(c);
    if (c.engine().start() != Start.COLD) {
      awaitFullPool(engine, c.language());
    }
    Session session = engine.createSession(c.language(), program(c, python, javascript));
    return engine.run(RunRequest.of(session.id()));
  }

  private static Execution.Result finish(Case c, Execution queued) {
    Execution done = engine(c).awaitExecution(queued.id(), WAIT);
    return done.result().orElseThrow(() -> new AssertionError("run did not finish: " + done));
  }

  /** Runs a program to its end: COMPLETED, and on a pooled sandbox where the engine has a pool. */
  private static Execution.Result run(Case c, String python, String javascript) throws Exception {
    long takenBefore = c.engine().start() == Start.COLD ? 0 : pooledTaken(c);
    Execution.Result result = finish(c, start(c, python, javascript));
    assertThat(result.status())
        .as("status of %s, stderr: %s", c, result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    if (c.engine().start() != Start.COLD) {
      assertThat(pooledTaken(c)).as("the run took a pooled sandbox").isEqualTo(takenBefore + 1);
    }
    return result;
  }

  private static long pooledTaken(Case c) throws InterruptedException {
    awaitFullPool(engine(c), c.language());
    return WarmPools.taken(engine(c), c.language());
  }

  /** A sleep argument no other process has: 30 seconds and a random fraction. */
  private static String uniqueSleep() {
    return "30."
        + Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L));
  }

  private static ProcessHandle awaitProcessWithArgument(String argument)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<ProcessHandle> found =
          ProcessHandle.allProcesses()
              .filter(
                  p ->
                      p.info()
                          .arguments()
                          .map(args -> List.of(args).contains(argument))
                          .orElse(false))
              .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no process with argument " + argument + " appeared");
  }

  static Optional<String> hostUid(long pid) {
    return statusField(pid, "Uid:").map(fields -> fields.split("\\s+")[0]);
  }

  private static String hostGroups(long pid) {
    return statusField(pid, "Groups:").orElse("").trim();
  }

  private static Optional<String> statusField(long pid, String name) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
          .filter(l -> l.startsWith(name))
          .findFirst()
          .map(l -> l.substring(name.length()).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Waits for the engine's pool of a language to be full, so the next run takes a pooled sandbox.
   */
  private static void awaitFullPool(LivecodeEngine engine, String language)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!WarmPools.full(engine, language)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("pool of " + language + " did not fill");
      }
      Thread.sleep(10);
    }
  }
}
