package dev.livecode.queue.redis;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own, on a free port, with AOF fsync on every write, so a test may
 * stop and restart it without disturbing the shared Redis other tests use.
 */
final class PrivateRedis implements AutoCloseable {
  private final int port;
  private final Path dir;
  private Process process;

  PrivateRedis() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      this.port = socket.getLocalPort();
    }
    this.dir = Files.createTempDirectory("livecode-redis-");
    start();
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  void start() throws IOException {
    Path server = Path.of("/usr/bin/redis-server");
    if (!Files.isExecutable(server)) {
      fail(
          "redis-server is needed at "
              + server
              + " for the outage test (apt-get install redis-server)");
    }
    process =
        new ProcessBuilder(
                List.of(
                    server.toString(),
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "yes",
                    "--appendfsync",
                    "always",
                    "--dir",
                    dir.toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        sleep(50);
      }
    }
    fail(
        "private redis-server did not start on port " + port + "; see " + dir.resolve("redis.log"));
  }

  /** Kills the server at once (SIGKILL): an outage, with the AOF as durable as it was. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
