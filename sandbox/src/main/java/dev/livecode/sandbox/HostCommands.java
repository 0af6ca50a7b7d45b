package dev.livecode.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * For runner authors: finding and asking an interpreter on the host when a runner probes for it
 * (once, at start; never per run), and telling which paths every sandbox tier shows anyway.
 *
 * @since 0.1
 */
public final class HostCommands {
  private static final List<Path> SYSTEM_DIRS =
      List.of(
          Path.of("/usr"), Path.of("/bin"), Path.of("/lib"), Path.of("/lib64"), Path.of("/sbin"));

  private HostCommands() {}

  /**
   * The configured interpreter, or {@code name} looked up on the PATH. A configured value without a
   * slash is itself looked up on the PATH.
   */
  public static Optional<Path> locate(Optional<Path> configured, String name) {
    if (configured.isPresent()) {
      Path value = configured.get();
      if (value.getNameCount() == 1 && !value.isAbsolute()) {
        return onPath(value.toString());
      }
      return Files.isExecutable(value) ? Optional.of(value.toAbsolutePath()) : Optional.empty();
    }
    return onPath(name);
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null || path.isEmpty()) {
      path = "/usr/local/bin:/usr/bin:/bin";
    }
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  /** True for paths a sandbox always shows (/usr, /bin, /lib...). */
  public static boolean isSystemPath(Path path) {
    Path normal = path.toAbsolutePath().normalize();
    return SYSTEM_DIRS.stream().anyMatch(normal::startsWith);
  }

  /**
   * Runs a short host command and returns its stdout.
   *
   * @throws IOException when it cannot start, fails, or does not finish in time
   */
  public static String run(List<String> argv, Duration timeout) throws IOException {
    Process process =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> copy(process.getInputStream(), out), "livecode-probe-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException(argv.get(0) + " did not answer within " + timeout.toMillis() + " ms");
      }
      reader.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while running " + argv.get(0), e);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException(
          argv.get(0) + " exited with " + process.exitValue() + ": " + text.strip());
    }
    return text;
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException e) {
      // The process was killed: what was read is kept.
    }
  }
}
