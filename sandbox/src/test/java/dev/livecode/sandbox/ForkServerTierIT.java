package dev.livecode.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fork server on the bwrap tier, attacked with the whole tier battery: every program of it is
 * started by a forked interpreter that, once confined, reads a command line from stdin and execs
 * it, so the same /bin/sh, coreutils and python3 attacks meet a forked start's confinement (a run
 * with files in its workspace, or one that writes back, goes to bwrap, as the fork server sends
 * it). Its own tests add what is particular to forks: nothing of one run reaches the next, and
 * nothing of the fork server reaches a program.
 */
class ForkServerTierIT extends BwrapTierIT {

  /**
   * The runner's program of these tests: NUL-separated argv from stdin (after its byte length on a
   * line of its own), then exec; or, for {@code -}, its second argument run as Python in the forked
   * interpreter itself.
   */
  private static final String EXEC_FROM_STDIN =
      """
      import posix, _signal
      def read(size):
          data = b''
          while len(data) < size:
              chunk = posix.read(0, size - len(data))
              if not chunk:
                  posix._exit(0)
              data += chunk
          return data
      header = b''
      while not header.endswith(b'\\n'):
          header += read(1)
      argv = [arg.decode() for arg in read(int(header)).split(b'\\0')]
      if argv[0] == '-':
          exec(argv[1])
      else:
          # As subprocess does: Python ignores these two, an exec'd program must not.
          _signal.signal(13, _signal.SIG_DFL)
          _signal.signal(25, _signal.SIG_DFL)
          posix.execv(argv[0], argv)
      """;

  private static final List<String> TEMPLATE =
      List.of("/usr/bin/python3", "-S", "-I", "-u", "-c", EXEC_FROM_STDIN);

  /** The plain bwrap sandbox the fork server was made from. */
  private Sandbox bwrap;

  @BeforeAll
  @Override
  void start() throws IOException {
    super.start();
    bwrap = sandbox;
    Optional<Sandbox> forks =
        bwrap.forkServer(new LaunchSpec(TEMPLATE, ENV, root, List.of(), LIMITS, false));
    assertThat(forks).as("a root server on bwrap offers a fork server").isPresent();
    sandbox = new Execing(forks.get(), bwrap);
  }

  @Test
  void programsAreForkedFromTheForkServer() throws Exception {
    String marker = ThreadLocalRandom.current().nextInt(3000, 900_000) + ".75";
    try (ConfinedProcess started =
        sandbox.start(
            new LaunchSpec(
                List.of("/bin/sleep", marker), ENV, workspace(), List.of(), LIMITS, false))) {
      ProcessHandle init = started.process().toHandle();
      ProcessHandle server = init.parent().orElseThrow();

      String command = Files.readString(Path.of("/proc", Long.toString(server.pid()), "cmdline"));
      assertThat(command)
          .as("the namespace's init is a child of the fork server")
          .contains("def _forkserver");
    }
  }

  @Test
  void programsWaitingToEndAddNoThreadEach() throws Exception {
    int programs = 8;
    List<ConfinedProcess> started = new ArrayList<>();
    int before = ManagementFactory.getThreadMXBean().getThreadCount();
    try {
      for (int i = 0; i < programs; i++) {
        started.add(
            sandbox.start(
                new LaunchSpec(
                    List.of("/bin/sleep", "30"), ENV, workspace(), List.of(), LIMITS, false)));
      }
      int during = ManagementFactory.getThreadMXBean().getThreadCount();

      assertThat(during - before)
          .as("threads added while %d forked programs wait to end", programs)
          .isLessThan(programs / 2);
    } finally {
      for (ConfinedProcess process : started) {
        process.close();
      }
    }
  }

  @Test
  void aCommandThatIsNoPythonGetsNoForkServer() throws InterruptedException {
    LaunchSpec notPython =
        new LaunchSpec(List.of("/bin/sh", "-c", "true"), ENV, root, List.of(), LIMITS, false);
    LaunchSpec noInterpreter =
        new LaunchSpec(List.of("/bin/false", "-c", "x"), ENV, root, List.of(), LIMITS, false);

    long children = ProcessHandle.current().children().count();

    assertThat(bwrap.forkServer(notPython)).isEmpty();
    assertThat(bwrap.forkServer(noInterpreter)).isEmpty();
    eventually(
        "no process of the failed servers left",
        () -> ProcessHandle.current().children().count() == children);
  }

  /** A shared writable mapping would be the same memory in every run forked from it. */
  @Test
  void theForkServerSharesNoWritableMemoryWithItsChildren() throws Exception {
    try (ConfinedProcess started =
        sandbox.start(
            new LaunchSpec(
                List.of("/bin/sleep", "5"), ENV, workspace(), List.of(), LIMITS, false))) {
      long server = started.process().toHandle().parent().orElseThrow().pid();

      List<String> maps = Files.readAllLines(Path.of("/proc", Long.toString(server), "maps"));

      assertThat(maps).isNotEmpty();
      assertThat(maps).noneMatch(line -> line.split("\\s+")[1].matches(".w.s"));
    }
  }

  @Test
  void writesOnlyItsOwnWorkspaceTmpAndShm() throws Exception {
    String attempts =
        "for d in /usr /usr/bin /bin /lib /proc/sys /dev /dev/pts / /etc /work /tmp /dev/shm; do"
            + " touch $d/written 2>/dev/null && echo wrote $d; done";

    Ran ran = run(List.of("/bin/sh", "-c", attempts), LIMITS, "");

    assertThat(ran.stdout()).isEqualTo("wrote /work\nwrote /tmp\nwrote /dev/shm\n");
  }

  @Test
  void nothingOfOneRunReachesTheNext() throws Exception {
    String leave =
        "echo secret > /work/left; echo secret > /tmp/left; echo secret > /dev/shm/left;"
            + " (setsid sleep 30 &); echo left";
    String look =
        "ls -A /work /tmp /dev/shm; ls /proc | grep -c '^[0-9]'; cat /work/left /tmp/left"
            + " /dev/shm/left 2>&1 | grep -c secret";

    Ran first = run(List.of("/bin/sh", "-c", leave), LIMITS, "");
    Ran next = run(List.of("/bin/sh", "-c", look), LIMITS, "");

    assertThat(first.stdout()).isEqualTo("left\n");
    // Three empty folders; its own init, shell, ls/grep pipeline; no secret.
    assertThat(next.stdout()).startsWith("/dev/shm:\n\n/tmp:\n\n/work:\n").endsWith("\n0\n");
    int processes = Integer.parseInt(next.stdout().split("\n")[5].trim());
    assertThat(processes).as("processes in its PID namespace").isBetween(2, 5);
  }

  @Test
  void nothingOfTheForkServerReachesTheProgram() throws Exception {
    String inspect =
        String.join(
            "\n",
            "import sys, os",
            "print(sorted(m for m in sys.modules if m in ('ctypes', '_ctypes', '_socket', 'forkserver')))",
            "print(sorted(k for k in globals() if not k.startswith('__')))",
            "print(sorted(os.listdir('/proc/self/fd')))",
            "status = open('/proc/self/status').read()",
            "for key in ('Uid', 'CapEff', 'CapPrm', 'CapBnd', 'CapAmb', 'NoNewPrivs', 'Seccomp'):",
            "    print(key, status.split(key + ':')[1].split()[0])");

    Ran ran = run(List.of("-", inspect), LIMITS, "");

    assertThat(ran.stdout())
        .as("stderr: %s", ran.stderr())
        .isEqualTo(
            String.join(
                "\n",
                "[]",
                "['_signal', 'argv', 'header', 'os', 'posix', 'read', 'sys']",
                "['0', '1', '2', '3']",
                "Uid 65534",
                "CapEff 0000000000000000",
                "CapPrm 0000000000000000",
                "CapBnd 0000000000000000",
                "CapAmb 0000000000000000",
                "NoNewPrivs 1",
                "Seccomp 2",
                ""));
    assertThat(ran.verdict().exitCode()).isEqualTo(OptionalInt.of(0));
  }

  @Test
  void aSpecItCannotForkStartsInBwrap() throws Exception {
    Path workspace = workspace();
    Files.writeString(workspace.resolve("given.txt"), "given\n");
    LaunchSpec withFiles =
        new LaunchSpec(List.of("/bin/cat", "given.txt"), ENV, workspace, List.of(), LIMITS, false);

    Ran ran = run(withFiles, "");

    assertThat(ran.stdout()).isEqualTo("given\n");
  }

  /**
   * Starts every spec on the fork server with the exec program, the spec's argv first on stdin; a
   * spec with files in its workspace goes to bwrap as the fork server would send it.
   */
  private record Execing(Sandbox forks, Sandbox bwrap) implements Sandbox {
    @Override
    public Isolation tier() {
      return forks.tier();
    }

    @Override
    public List<String> enforcedLimits() {
      return forks.enforcedLimits();
    }

    @Override
    public List<String> protections() {
      return forks.protections();
    }

    @Override
    public List<String> gaps() {
      return forks.gaps();
    }

    @Override
    public ConfinedProcess start(LaunchSpec spec) throws IOException {
      try (var files = Files.list(spec.workspace())) {
        if (files.findAny().isPresent() || spec.writesBack()) {
          return bwrap.start(spec);
        }
      }
      assertThat(spec.env()).isEqualTo(ENV);
      ConfinedProcess started =
          forks.start(
              new LaunchSpec(TEMPLATE, ENV, spec.workspace(), List.of(), spec.limits(), false));
      OutputStream stdin = started.process().getOutputStream();
      byte[] argv = String.join("\0", spec.argv()).getBytes(StandardCharsets.UTF_8);
      stdin.write((argv.length + "\n").getBytes(StandardCharsets.US_ASCII));
      stdin.write(argv);
      stdin.flush();
      return started;
    }

    @Override
    public void close() {
      forks.close();
      bwrap.close();
    }
  }
}
