package dev.livecode.testing;

import static org.assertj.core.api.Assertions.fail;

import dev.livecode.testing.internal.TestEnvironment;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own, on a free port, with AOF fsync on every write, so a test may
 * stop and restart it without disturbing the shared Redis other tests use ({@link RedisExtension}).
 * Needs {@code /usr/bin/redis-server} ({@code scripts/services.sh} installs it).
 *
 * @since 0.2
 */
public final class PrivateRedis implements AutoCloseable {
  private final int port;
  private final Path dir;
  private Process process;

  /** Starts the server; fails the test when it cannot. */
  public PrivateRedis() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      this.port = socket.getLocalPort();
    }
    this.dir = Files.createTempDirectory("livecode-redis-");
    start();
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts it again after {@link #kill()}, on the same port and with the same data. */
  public void start() throws IOException {
    Path server = Path.of("/usr/bin/redis-server");
    if (!Files.isExecutable(server)) {
      fail(
          "redis-server is needed at "
              + server
              + " (apt-get install redis-server, or "
              + TestEnvironment.HOW_TO_START
              + ")");
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
  public void kill() throws InterruptedException {
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
