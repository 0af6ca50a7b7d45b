package dev.livecode.server;

import static dev.livecode.http.testing.HttpClientSupport.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.testing.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owners on {@code --store mysql}: what a server without keys created stays the default owner's
 * after keys are turned on, and each tenant's work stays its own across a restart.
 */
class MySqlTenantsIT {
  private static final String KEY_OLD = "anonymous-0123456789abcdef";
  private static final String KEY_B = "tenant-b-0123456789abcdef";

  @RegisterExtension final MariaDbExtension mariaDb = new MariaDbExtension();
  @TempDir Path dir;

  @Test
  void rowsFromBeforeKeysStayTheDefaultOwnersAndEachTenantKeepsItsOwnAcrossARestart()
      throws Exception {
    String old;
    String oldExecution;
    try (ServerProcess server = ServerProcess.start(List.of(), args())) {
      HttpClientSupport open = server.client();
      old = open.createSession("python", "print('before keys')");
      oldExecution = open.run(old, null);
      open.awaitEnd(oldExecution);
    }
    Path keys =
        Files.writeString(dir.resolve("keys"), "anonymous " + KEY_OLD + "\nb " + KEY_B + "\n");
    List<String> withKeys = args();
    withKeys.addAll(List.of("--api-keys-file", keys.toString(), "--host", "127.0.0.1"));
    String mine;
    try (ServerProcess server = ServerProcess.start(List.of(), withKeys)) {
      HttpClientSupport anonymous = server.client().withKey(KEY_OLD);
      HttpClientSupport b = server.client().withKey(KEY_B);

      assertThat(anonymous.get("/code-sessions/" + old).status()).isEqualTo(200);
      assertThat(anonymous.get("/executions/" + oldExecution).body().get("stdout").asText())
          .isEqualTo("before keys\n");
      assertProblem(b.get("/code-sessions/" + old), 404, "SESSION_NOT_FOUND");
      assertProblem(b.get("/code-sessions/" + old + "/executions"), 404, "SESSION_NOT_FOUND");
      assertProblem(b.get("/executions/" + oldExecution), 404, "EXECUTION_NOT_FOUND");
      mine = b.createSession("python", "print('b')");
      b.awaitEnd(b.run(mine, null));
    }
    try (ServerProcess server = ServerProcess.start(List.of(), withKeys)) {
      HttpClientSupport anonymous = server.client().withKey(KEY_OLD);
      HttpClientSupport b = server.client().withKey(KEY_B);

      assertThat(b.get("/code-sessions/" + mine + "/executions").body().get("executions"))
          .hasSize(1);
      assertProblem(anonymous.get("/code-sessions/" + mine), 404, "SESSION_NOT_FOUND");
    }
  }

  private List<String> args() {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                "mysql",
                "--mysql-url",
                mariaDb.jdbcUrl(),
                "--mysql-user",
                mariaDb.user(),
                "--workers",
                "1"));
    if (!mariaDb.password().isEmpty()) {
      args.addAll(List.of("--mysql-password", mariaDb.password()));
    }
    return args;
  }
}
