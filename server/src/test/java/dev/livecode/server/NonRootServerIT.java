package dev.livecode.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livecode.http.testing.HttpClientSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A server that is not root keeps working as before programs had uids of their own: the bwrap tier
 * with the seccomp filter, programs under the server's own user (no uid range, no {@code own_uid}),
 * and every built-in language runs. As root, the test starts the server as nobody (65534);
 * otherwise as the user it runs as.
 */
class NonRootServerIT {
  private static final int NOBODY = 65534;

  @Test
  void serverThatIsNotRootRunsEveryLanguageInBwrapWithTheFilter() throws Exception {
    List<String> args = List.of("--host", "127.0.0.1");
    try (ServerProcess server =
        isRoot() ? ServerProcess.startAs(NOBODY, args) : ServerProcess.start(List.of(), args)) {
      HttpClientSupport http = server.client();
      // A server under load has its HTTP threads; the programs' process cap, which counts every
      // task of the shared uid, must leave room for them after the warm interpreters started.
      for (int i = 0; i < 100; i++) {
        http.get("/health");
      }
      JsonNode health = http.get("/health").body();
      assertThat(health.get("isolation").asText()).isEqualTo("bwrap");
      List<String> protections = new ArrayList<>();
      health.get("protections").forEach(p -> protections.add(p.asText()));
      assertThat(protections)
          .contains("namespaces", "seccomp", "no_new_privs", "no_user_namespaces")
          .doesNotContain("own_uid");

      for (String[] program :
          List.of(
              new String[] {"python", "import os; print('python', os.getuid())"},
              new String[] {"javascript", "console.log('javascript', process.getuid())"},
              new String[] {"typescript", "const n: number = 42; console.log('typescript', n)"})) {
        JsonNode done = http.awaitEnd(http.run(http.createSession(program[0], program[1]), null));
        assertThat(done.get("status").asText())
            .as("%s: %s", program[0], done)
            .isEqualTo("COMPLETED");
        assertThat(done.get("stdout").asText()).startsWith(program[0] + " ");
      }
    }
  }

  @Test
  void forkBombUnderTheSharedUidIsCapped() throws Exception {
    List<String> args = List.of("--host", "127.0.0.1");
    try (ServerProcess server =
        isRoot() ? ServerProcess.startAs(NOBODY, args) : ServerProcess.start(List.of(), args)) {
      HttpClientSupport http = server.client();
      String bomb =
          String.join(
              "\n",
              "import os, time",
              "n = 0",
              "try:",
              "    for _ in range(3000):",
              "        if os.fork() == 0:",
              "            time.sleep(3)",
              "            os._exit(0)",
              "        n += 1",
              "except OSError:",
              "    pass",
              "print(n, flush=True)");
      JsonNode done = http.runToEnd("python", bomb, null);
      int forked = Integer.parseInt(done.get("stdout").asText().trim());
      assertThat(forked).as("%s", done).isGreaterThanOrEqualTo(60).isLessThan(3000);
      assertThat(http.get("/health").status()).isEqualTo(200);
    }
  }

  private static boolean isRoot() throws java.io.IOException {
    return Files.readString(Path.of("/proc/self/status"))
        .lines()
        .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
  }
}
