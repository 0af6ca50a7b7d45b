package dev.livecode.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.http.testing.HttpClientSupport;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The server jar in a JVM of its own, as an operator starts it. */
final class ServerProcess implements AutoCloseable {
  static final Path SERVER_JAR =
      Path.of(System.getProperty("user.dir"), "target", "livecode-server.jar");

  private final Process process;
  private final Path log;
  final int port;

  private ServerProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Runs the jar to its end (for --help and start-up failures): exit code and output. */
  record Finished(int exitCode, String stdout, String stderr) {}

  static Finished runToExit(List<String> args, Map<String, String> env) throws Exception {
    Path out = Files.createTempFile("livecode-server-out", ".txt");
    Path err = Files.createTempFile("livecode-server-err", ".txt");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command(List.of(), List.of(), args))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("server exited").isTrue();
      return new Finished(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Starts the jar (plus {@code extraClassPath}) on a free port and waits for /health. */
  static ServerProcess start(List<Path> extraClassPath, List<String> args) throws Exception {
    return start(List.of(), extraClassPath, args);
  }

  /** The same, with JVM options after the usual ones (a later -Xmx wins). */
  static ServerProcess start(List<String> jvmOptions, List<Path> extraClassPath, List<String> args)
      throws Exception {
    ServerProcess server = launch(jvmOptions, extraClassPath, args);
    server.awaitHealthy(Duration.ofSeconds(60));
    return server;
  }

  /**
   * Starts one jar per list of arguments, all at once (as a deployment starts its nodes), and waits
   * for each one's /health; when one does not come up, every one is stopped.
   */
  static List<ServerProcess> startTogether(List<List<String>> argsOfEach) throws Exception {
    List<ServerProcess> servers = new ArrayList<>();
    try {
      for (List<String> args : argsOfEach) {
        servers.add(launch(List.of(), List.of(), args));
      }
      for (ServerProcess server : servers) {
        server.awaitHealthy(Duration.ofSeconds(60));
      }
      return servers;
    } catch (Exception | AssertionError e) {
      for (ServerProcess server : servers) {
        server.close();
      }
      throw e;
    }
  }

  private static ServerProcess launch(
      List<String> jvmOptions, List<Path> extraClassPath, List<String> args) throws IOException {
    Path log = Files.createTempFile("livecode-server", ".log");
    return launch(jvmOptions, extraClassPath, args, log, ProcessBuilder.Redirect.to(log.toFile()));
  }

  private static ServerProcess launch(
      List<String> jvmOptions,
      List<Path> extraClassPath,
      List<String> args,
      Path log,
      ProcessBuilder.Redirect output)
      throws IOException {
    int port = freePort();
    List<String> all = new ArrayList<>(List.of("--port", Integer.toString(port)));
    all.addAll(args);
    Process process =
        new ProcessBuilder(command(jvmOptions, extraClassPath, all))
            .redirectErrorStream(true)
            .redirectOutput(output)
            .start();
    return new ServerProcess(process, log, port);
  }

  /**
   * The same, with its output in a pipe that nobody reads: once the pipe's buffer is full, every
   * write to stdout waits, as behind a paused log collector. {@link #log()} is empty.
   */
  static ServerProcess startWithUnreadOutput(List<String> args) throws Exception {
    Path log = Files.createTempFile("livecode-server", ".log");
    ServerProcess server = launch(List.of(), List.of(), args, log, ProcessBuilder.Redirect.PIPE);
    server.awaitHealthy(Duration.ofSeconds(60));
    return server;
  }

  /**
   * Starts a copy of the jar as {@code uid} (through setpriv, no groups), from a folder every user
   * can read, on a free port, and waits for /health: a server that is not root.
   */
  static ServerProcess startAs(int uid, List<String> args) throws Exception {
    Path dir = Files.createTempDirectory("livecode-server-jar-");
    Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jar = Files.copy(SERVER_JAR, dir.resolve("livecode-server.jar"));
    Files.setPosixFilePermissions(
        jar, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    int port = freePort();
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--"));
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-Djava.io.tmpdir=/tmp",
            "-jar",
            jar.toString(),
            "--port",
            Integer.toString(port)));
    command.addAll(args);
    Path log = Files.createTempFile("livecode-server", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .directory(new java.io.File("/tmp"));
    builder.environment().put("HOME", "/tmp");
    ServerProcess server = new ServerProcess(builder.start(), log, port);
    server.awaitHealthy(Duration.ofSeconds(60));
    return server;
  }

  private static List<String> command(
      List<String> jvmOptions, List<Path> extraClassPath, List<String> args) {
    assertThat(SERVER_JAR).as("run mvn package first").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(jvmOptions);
    if (extraClassPath.isEmpty()) {
      command.addAll(List.of("-jar", SERVER_JAR.toString()));
    } else {
      StringBuilder cp = new StringBuilder(SERVER_JAR.toString());
      extraClassPath.forEach(p -> cp.append(java.io.File.pathSeparator).append(p));
      command.addAll(List.of("-cp", cp.toString(), "dev.livecode.server.Main"));
    }
    command.addAll(args);
    return command;
  }

  HttpClientSupport client() {
    return new HttpClientSupport(port);
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The log once it holds every one of {@code parts}, or as it is after 5 s: the server writes its
   * lines from a queue on a thread of their own, a little after the request that logged them.
   */
  String awaitLog(String... parts) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      String log = log();
      if (Arrays.stream(parts).allMatch(log::contains) || System.nanoTime() > deadline) {
        return log;
      }
      Thread.sleep(20);
    }
  }

  long pid() {
    return process.pid();
  }

  /** SIGTERM, then waits for the exit; returns the exit code. */
  int terminate(Duration wait) throws InterruptedException {
    process.destroy();
    assertThat(process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS))
        .as("exited after SIGTERM")
        .isTrue();
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  private void awaitHealthy(Duration timeout) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("server exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        HttpResponse<String> health =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("server not healthy within " + timeout + ":\n" + log());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    Files.deleteIfExists(log);
  }
}
