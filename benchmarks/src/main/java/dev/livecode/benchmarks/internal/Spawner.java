package dev.livecode.benchmarks.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The baselines: one program started by this JVM with {@link ProcessBuilder} and a minimal
 * environment, either bare or inside bubblewrap with an argument set comparable to the server's
 * bwrap tier (all namespaces unshared, read-only /usr, private /tmp and working directory,
 * unprivileged uid, die-with-parent, new session, an empty environment for bwrap itself) and, like
 * the server, when run as root: bwrap started under an unprivileged host uid (setpriv, no groups,
 * no_new_privs), no nested user namespaces and the server's seccomp filter. So the floor pays what
 * the server's sandbox pays; {@link #unhardened} is the same spawn without the uid drop and the
 * filter, to show what they cost.
 */
public final class Spawner {
  private static final File DEV_NULL = new File("/dev/null");
  private static final Map<String, String> MINIMAL_ENV =
      Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8", "HOME", "/tmp");

  private final Path python;
  private final Path node;
  private final Optional<Path> bwrap;
  private final Optional<Path> seccompFilter;

  /**
   * A host uid outside the server's default range (60000-60999), for the baseline's bwrap as root.
   */
  static final int BASELINE_UID = 61000;

  private static final String SECCOMP_RESOURCE =
      "/dev/livecode/sandbox/internal/seccomp-x86_64.bpf";

  private Spawner(Path python, Path node, Optional<Path> bwrap, Optional<Path> seccompFilter) {
    this.python = python;
    this.node = node;
    this.bwrap = bwrap;
    this.seccompFilter = seccompFilter;
  }

  /** Resolves the real interpreters once (the pyenv shim on PATH costs ~80 ms a start). */
  public static Spawner detect() throws IOException {
    Path python = realPython();
    if (isRoot() && !reachableByOthers(python)) {
      // What the server does too: a uid of the programs' own cannot reach a pyenv under /root.
      python = Path.of("/usr/bin/python3").toRealPath();
    }
    Path node = onPath("node").orElseThrow(() -> new IOException("node not found on PATH"));
    Optional<Path> bwrap = onPath("bwrap");
    return new Spawner(
        python,
        node.toRealPath(),
        bwrap,
        isRoot() ? Optional.of(seccompFilterFile()) : Optional.empty());
  }

  /**
   * The server's seccomp filter (a resource of the sandbox module, a dependency of this jar), as a
   * file.
   */
  private static Path seccompFilterFile() throws IOException {
    try (InputStream in = Spawner.class.getResourceAsStream(SECCOMP_RESOURCE)) {
      if (in == null) {
        throw new IOException("the seccomp filter is missing from the benchmarks jar");
      }
      Path file = Files.createTempFile("livecode-bench-seccomp-", ".bpf");
      file.toFile().deleteOnExit();
      Files.write(file, in.readAllBytes());
      return file;
    }
  }

  private static boolean isRoot() {
    try {
      return Files.readString(Path.of("/proc/self/status"))
          .lines()
          .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean reachableByOthers(Path path) {
    for (Path dir = path.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
      try {
        if (!Files.getPosixFilePermissions(dir)
            .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  public Path python() {
    return python;
  }

  public Path node() {
    return node;
  }

  public boolean hasBwrap() {
    return bwrap.isPresent();
  }

  /** What the server's runner runs, as a one-liner: python3 -S -I -c / node -e. */
  public List<String> argv(String language) {
    return switch (language) {
      case "python" -> List.of(python.toString(), "-S", "-I", "-c", "print(1)");
      case "javascript", "typescript" -> List.of(node.toString(), "-e", "console.log(1)");
      default -> throw new IllegalArgumentException("no baseline for language " + language);
    };
  }

  /**
   * The plain-interpreter baseline: the real python3 with no flags, {@code python3 -c 'print(1)'}.
   */
  public List<String> plainPythonArgv() {
    return List.of(python.toString(), "-c", "print(1)");
  }

  /** The description of {@link #argv} for the table. */
  public static String describe(String language) {
    return "python".equals(language) ? "python3 -S -I -c" : "node -e";
  }

  /** {@code argv} inside bubblewrap, confined as the server's bwrap tier confines programs. */
  public List<String> sandboxed(List<String> argv) {
    List<String> command = new ArrayList<>();
    if (seccompFilter.isPresent()) {
      command.addAll(
          List.of(
              "/usr/bin/setpriv",
              "--reuid=" + BASELINE_UID,
              "--regid=" + BASELINE_UID,
              "--clear-groups",
              "--no-new-privs",
              "--"));
    }
    command.add(
        bwrap.orElseThrow(() -> new IllegalStateException("bwrap is not installed")).toString());
    if (seccompFilter.isPresent()) {
      // The filter on stdin: the program's stdin is empty either way.
      command.addAll(List.of("--unshare-user", "--disable-userns", "--seccomp", "0"));
    }
    command.addAll(unhardened(argv).subList(1, unhardened(argv).size()));
    return command;
  }

  /** Whether {@link #sandboxed} drops the uid and loads the filter here (the JVM runs as root). */
  public boolean hardens() {
    return seccompFilter.isPresent();
  }

  /**
   * {@code argv} inside bubblewrap as the server confined it before programs had uids of their own
   * and the filter.
   */
  public List<String> unhardened(List<String> argv) {
    Path executable = Path.of(argv.get(0));
    List<String> command = new ArrayList<>();
    command.add(
        bwrap.orElseThrow(() -> new IllegalStateException("bwrap is not installed")).toString());
    command.addAll(
        List.of(
            "--unshare-all",
            "--die-with-parent",
            "--new-session",
            "--cap-drop",
            "ALL",
            "--uid",
            "65534",
            "--gid",
            "65534",
            "--hostname",
            "sandbox",
            "--ro-bind",
            "/usr",
            "/usr",
            "--symlink",
            "usr/lib",
            "/lib",
            "--symlink",
            "usr/lib64",
            "/lib64",
            "--symlink",
            "usr/bin",
            "/bin",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--tmpfs",
            "/tmp",
            "--dir",
            "/work",
            "--chdir",
            "/work",
            "--setenv",
            "PATH",
            "/usr/bin:/bin",
            "--setenv",
            "HOME",
            "/work",
            "--setenv",
            "LANG",
            "C.UTF-8"));
    // An interpreter outside /usr (pyenv here) gets its installation bound read-only, no more.
    if (!executable.startsWith("/usr/")) {
      Path prefix = executable.getParent().getParent();
      command.addAll(List.of("--ro-bind", prefix.toString(), prefix.toString()));
    }
    command.addAll(argv);
    return command;
  }

  /**
   * Starts {@code command}, reads its stdout to the end and waits for it; returns the elapsed
   * nanoseconds (start to exit, as the server's program wall time).
   *
   * @throws IOException when it cannot start, exits non-zero or does not print {@code 1}
   */
  public long spawnOnce(List<String> command, boolean sandboxed)
      throws IOException, InterruptedException {
    boolean filtered = command.contains("--seccomp");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(filtered ? seccompFilter.orElseThrow().toFile() : DEV_NULL);
    builder.environment().clear();
    if (!sandboxed) {
      // bwrap itself gets an empty environment (it would leak into /proc/1/environ); the program
      // inside gets --setenv.
      builder.environment().putAll(MINIMAL_ENV);
    }
    long start = System.nanoTime();
    Process process = builder.start();
    byte[] out;
    try (InputStream in = process.getInputStream()) {
      out = in.readAllBytes();
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("baseline did not end within 30 s: " + command);
    }
    long elapsed = System.nanoTime() - start;
    String text = new String(out, StandardCharsets.UTF_8);
    if (process.exitValue() != 0 || !text.equals("1\n")) {
      throw new IOException(
          "baseline exited "
              + process.exitValue()
              + " printing '"
              + text.strip()
              + "': "
              + command);
    }
    return elapsed;
  }

  private static Path realPython() throws IOException {
    Path onPath = onPath("python3").orElseThrow(() -> new IOException("python3 not found on PATH"));
    Process p =
        new ProcessBuilder(onPath.toString(), "-c", "import sys; print(sys.executable)")
            .redirectInput(DEV_NULL)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    try {
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (out.isEmpty()) {
      return onPath.toRealPath();
    }
    // Keep the versioned bin/ path (not the realpath of a python3 -> python3.11 symlink) so
    // that its installation prefix is the parent of bin/.
    return Path.of(out);
  }

  static Optional<Path> onPath(String name) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
