package dev.livecode.benchmarks.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM (the livecode server, or the trivial baseline server) on a free loopback port, its
 * output in a log file, killed with SIGTERM (then SIGKILL) on close and at JVM exit.
 */
public final class ServerProcess implements AutoCloseable {
  /**
   * The JVM options the project starts its server with (scripts/start.sh, the Dockerfile): only the
   * JIT's first tier. The server's own Java work per run is small; the default second tier spent
   * more CPU compiling it, for the first thousands of runs, than the faster code saved
   * (docs/deployment.md has the figures).
   */
  public static final List<String> LAUNCH_JVM_ARGS = List.of("-XX:TieredStopAtLevel=1");

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;
  private final Thread killer;

  private ServerProcess(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
    this.killer = new Thread(process::destroyForcibly, "livecode-bench-kill-" + name);
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /**
   * Starts {@code java <jvmArgs> <mainArgs...>} with {@code --port <free port>} appended when
   * {@code withPort} is set, its stdout and stderr going to {@code logDir/<name>.log}.
   */
  public static ServerProcess start(
      String name, List<String> jvmArgs, List<String> mainArgs, boolean withPort, Path logDir)
      throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.addAll(mainArgs);
    if (withPort) {
      command.add("--port");
      command.add(Integer.toString(port));
    }
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    Files.writeString(log, "# " + String.join(" ", redact(command)) + "\n");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return new ServerProcess(name, builder.start(), port, log);
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public Path log() {
    return log;
  }

  /**
   * Polls {@code GET path} until it answers 200, the process dies, or the deadline passes.
   *
   * @throws IllegalStateException with the end of the server's log when it does not come up
   */
  public void awaitReady(HttpClient client, String path, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name
                + " exited with code "
                + process.exitValue()
                + " before it was ready; log "
                + log
                + ":\n"
                + tail(40));
      }
      try {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(2)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = "HTTP " + response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
      pause(50);
    }
    throw new IllegalStateException(
        name + " not ready after " + timeout + " (" + last + "); log " + log + ":\n" + tail(40));
  }

  /** The child's resident set size in KiB, from {@code /proc/<pid>/status}; empty if it is gone. */
  public OptionalLong rssKib() {
    return rssKib(process.pid());
  }

  static OptionalLong rssKib(long pid) {
    try {
      for (String line :
          Files.readAllLines(
              Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("VmRSS:")) {
          return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
        }
      }
    } catch (IOException | UncheckedIOException | NumberFormatException e) {
      // the process is gone: no figure
    }
    return OptionalLong.empty();
  }

  /** The last {@code lines} lines of the child's log. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** SIGTERM, up to 15 s for a clean exit, then SIGKILL. Harmless when called twice. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /** The command line as logged: the value after a password flag is masked. */
  static List<String> redact(List<String> command) {
    List<String> out = new ArrayList<>(command.size());
    boolean mask = false;
    for (String part : command) {
      out.add(mask ? "****" : part.replaceAll("(://[^:/@]*:)[^@/]*@", "$1****@"));
      mask = Objects.equals(part, "--mysql-password");
    }
    return out;
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
