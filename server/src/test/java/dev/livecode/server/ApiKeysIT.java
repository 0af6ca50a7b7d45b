package dev.livecode.server;

import static dev.livecode.http.testing.HttpClientSupport.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.http.testing.HttpClientSupport;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server jar with --api-keys-file, and without: keys, tenants, reloads, the bound address. */
class ApiKeysIT {
  private static final String KEY_A1 = "a1-0123456789abcdef0123";
  private static final String KEY_A2 = "a2-0123456789abcdef0123";
  private static final String KEY_B = "b-0123456789abcdef01234";
  private static final String WRONG = "wrong-0123456789abcdef0";

  @TempDir Path dir;

  @Test
  void withKeysEachTenantSeesOnlyItsOwnWorkAndNoKeyIsEverLoggedOrAnswered() throws Exception {
    Path keys = writeKeys("# tenants\na " + KEY_A1 + "\nb " + KEY_B + " concurrent_runs=2\n");
    try (ServerProcess server = start("--api-keys-file", keys.toString())) {
      HttpClientSupport open = server.client();
      HttpClientSupport a = open.withKey(KEY_A1);
      HttpClientSupport b = open.withKey(KEY_B);

      assertProblem(open.get("/code-sessions/" + java.util.UUID.randomUUID()), 401, "UNAUTHORIZED");
      HttpClientSupport.Reply wrong = open.withKey(WRONG).get("/languages/../code-sessions");
      assertProblem(wrong, 401, "UNAUTHORIZED");
      assertThat(wrong.header("WWW-Authenticate")).isEqualTo("Bearer");
      String session = a.createSession("python", "print('a')");
      String execution = a.run(session, null);
      assertThat(a.awaitEnd(execution).get("stdout").asText()).isEqualTo("a\n");

      assertProblem(b.get("/code-sessions/" + session), 404, "SESSION_NOT_FOUND");
      assertProblem(b.get("/code-sessions/" + session + "/executions"), 404, "SESSION_NOT_FOUND");
      assertProblem(b.get("/executions/" + execution), 404, "EXECUTION_NOT_FOUND");
      assertThat(open.get("/health").status()).isEqualTo(200);

      String log = server.awaitLog("tenant=a", "tenant=b");
      assertThat(log).contains("tenant=a").contains("tenant=b").doesNotContain("server open");
      for (String key : List.of(KEY_A1, KEY_A2, KEY_B, WRONG)) {
        assertThat(log).doesNotContain(key);
      }
    }
  }

  @Test
  void aRemovedKeyStopsWorkingWithinAReloadWhileTheTenantsOtherKeyGoesOn() throws Exception {
    Path keys = writeKeys("a " + KEY_A1 + "\na " + KEY_A2 + "\n");
    try (ServerProcess server = start("--api-keys-file", keys.toString())) {
      HttpClientSupport old = server.client().withKey(KEY_A1);
      HttpClientSupport fresh = server.client().withKey(KEY_A2);
      String session = old.createSession("python", "print(1)");
      assertThat(fresh.get("/code-sessions/" + session).status()).isEqualTo(200);

      writeKeys("a " + KEY_A2 + "\n");
      long revokedAt = System.nanoTime();
      while (old.get("/code-sessions/" + session).status() != 401) {
        assertThat((System.nanoTime() - revokedAt) / 1_000_000)
            .as("ms until the removed key is refused")
            .isLessThan(2_500);
        Thread.sleep(50);
      }

      assertThat(fresh.get("/code-sessions/" + session).status()).isEqualTo(200);
      // A broken edit keeps the keys in force rather than locking everyone out.
      writeKeys("a short\n");
      Thread.sleep(1_200);
      assertThat(fresh.get("/code-sessions/" + session).status()).isEqualTo(200);
      assertThat(server.awaitLog("api keys not reloaded"))
          .contains("api keys not reloaded")
          .doesNotContain("short\n");
    }
  }

  @Test
  void aKeyLinesQuotaOverridesTheFlagsAndIsAnswered429() throws Exception {
    Path keys = writeKeys("a " + KEY_A1 + " runs_per_minute=1\nb " + KEY_B + "\n");
    try (ServerProcess server =
        start("--api-keys-file", keys.toString(), "--quota-runs-per-minute", "2")) {
      HttpClientSupport a = server.client().withKey(KEY_A1);
      HttpClientSupport b = server.client().withKey(KEY_B);
      String mine = a.createSession("python", "pass");
      String theirs = b.createSession("python", "pass");
      a.run(mine, null);
      b.run(theirs, null);
      b.run(theirs, null);

      HttpClientSupport.Reply overLine = a.post("/code-sessions/" + mine + "/run", "{}");
      HttpClientSupport.Reply overFlag = b.post("/code-sessions/" + theirs + "/run", "{}");

      assertProblem(overLine, 429, "QUOTA_EXCEEDED");
      assertThat(overLine.header("RateLimit-Limit")).isEqualTo("1");
      assertProblem(overFlag, 429, "QUOTA_EXCEEDED");
      assertThat(overFlag.header("RateLimit-Limit")).isEqualTo("2");
      assertThat(overFlag.header("Retry-After")).isNotBlank();
    }
  }

  @Test
  void aBadKeyFileStopsTheStartNamingTheLineNotTheKey() throws Exception {
    Path keys = writeKeys("a " + KEY_A1 + " colour=blue\n");

    ServerProcess.Finished result =
        ServerProcess.runToExit(
            List.of("--port", "0"), Map.of("LIVECODE_API_KEYS_FILE", keys.toString()));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("line 1").contains("colour");
    assertThat(result.stderr() + result.stdout()).doesNotContain(KEY_A1);
  }

  @Test
  void withoutKeysTheServerBindsLoopbackOnlyAndSaysItIsOpen() throws Exception {
    try (ServerProcess server = start()) {
      assertThat(server.client().createSession("python", "print(1)")).isNotBlank();
      assertThat(server.awaitLog("server open")).contains("server open").contains("host=127.0.0.1");
      Optional<InetAddress> other = nonLoopbackAddress();
      if (other.isPresent()) {
        assertThat(connects(other.get(), server.port)).as("reachable on " + other.get()).isFalse();
      }
    }
  }

  private ServerProcess start(String... args) throws Exception {
    return ServerProcess.start(List.of(), List.of(args));
  }

  private Path writeKeys(String content) throws IOException {
    Path file = dir.resolve("keys");
    Path temp = dir.resolve("keys.tmp");
    Files.writeString(temp, content);
    return Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean connects(InetAddress address, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
