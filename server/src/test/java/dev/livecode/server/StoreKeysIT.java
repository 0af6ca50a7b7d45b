package dev.livecode.server;

import static dev.livecode.http.testing.HttpClientSupport.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.testing.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keys kept in the store ({@code keys create|list|revoke}) on two server processes sharing one
 * MariaDB, beside a key file: a new key works on both nodes, a revoked one stops on both within a
 * second, and no key or digest ever shows in a listing, a log or an answer.
 */
class StoreKeysIT {
  private static final String FILE_KEY = "file-0123456789abcdef0123";
  private static final Pattern ID = Pattern.compile("created id=([0-9a-f]{16}) tenant=");

  @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();

  private static Path keyFile;
  private static ServerProcess first;
  private static ServerProcess second;

  @BeforeAll
  static void startTwoNodes() throws Exception {
    keyFile = Files.createTempFile("livecode-keys", ".txt");
    Files.writeString(keyFile, "filed " + FILE_KEY + "\n");
    List<String> args = storeFlags();
    args.addAll(
        List.of(
            "--api-keys-store",
            "true",
            "--api-keys-file",
            keyFile.toString(),
            "--host",
            "127.0.0.1",
            "--workers",
            "0"));
    first = ServerProcess.start(List.of(), args);
    second = ServerProcess.start(List.of(), args);
  }

  @AfterAll
  static void stopNodes() throws Exception {
    for (ServerProcess node : new ServerProcess[] {first, second}) {
      if (node != null) {
        node.close();
      }
    }
    Files.deleteIfExists(keyFile);
  }

  @Test
  void aCreatedKeyWorksOnEveryNodeAndARevokedOneStopsOnEveryNodeWithinASecond() throws Exception {
    ServerProcess.Finished created = keys("create", "course-a");
    String key = created.stdout().strip();
    String id = idOf(created);
    awaitStatus(first.client().withKey(key), 200, 5_000);
    awaitStatus(second.client().withKey(key), 200, 5_000);

    ServerProcess.Finished revoked = keys("revoke", id);
    long revokedAt = System.nanoTime();

    assertThat(revoked.exitCode()).as(revoked.stderr()).isZero();
    awaitStatus(first.client().withKey(key), 401, 1_000);
    awaitStatus(second.client().withKey(key), 401, 1_000);
    assertThat((System.nanoTime() - revokedAt) / 1_000_000).isLessThan(1_000);
    HttpClientSupport.Reply refused = first.client().withKey(key).get("/code-sessions/x");
    assertProblem(refused, 401, "UNAUTHORIZED");
    assertThat(refused.raw().body()).doesNotContain(key);
    assertThat(first.log() + second.log()).doesNotContain(key).doesNotContain(key.substring(4));
  }

  @Test
  void aKeyIsMadeOfThirtyTwoRandomBytesAfterARecognisablePrefixAndPrintedAlone() throws Exception {
    ServerProcess.Finished created = keys("create", "course-b", "concurrent_runs=2");

    assertThat(created.exitCode()).as(created.stderr()).isZero();
    assertThat(created.stdout()).matches("lck_[A-Za-z0-9_-]{43}\\n");
    assertThat(created.stderr()).doesNotContain(created.stdout().strip());
    assertThat(keys("create", "course-b").stdout()).isNotEqualTo(created.stdout());
  }

  @Test
  void theTenantOfAStoreKeyOwnsItsWorkAgainstAFileKeysTenant() throws Exception {
    String key = keys("create", "course-c").stdout().strip();
    HttpClientSupport c = first.client().withKey(key);
    awaitStatus(c, 200, 5_000);
    awaitStatus(second.client().withKey(key), 200, 5_000);
    String session = c.createSession("python", "print(1)");

    assertThat(second.client().withKey(key).get("/code-sessions/" + session).status())
        .isEqualTo(200);
    assertProblem(
        second.client().withKey(FILE_KEY).get("/code-sessions/" + session),
        404,
        "SESSION_NOT_FOUND");
  }

  @Test
  void aListingShowsIdTenantAndOptionsButNeverAKeyOrItsDigest() throws Exception {
    ServerProcess.Finished created = keys("create", "course-d", "runs_per_minute=5");
    String key = created.stdout().strip();
    String id = idOf(created);

    ServerProcess.Finished list = keys("list");

    assertThat(list.exitCode()).as(list.stderr()).isZero();
    String line = list.stdout().lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow();
    assertThat(line).contains("course-d").contains("runs_per_minute=5").contains("lck_");
    assertThat(list.stdout()).doesNotContain(key).doesNotContain(key.substring(8));
    assertThat(list.stdout()).doesNotContainPattern("[0-9a-f]{64}");
  }

  @Test
  void aServerThatDoesNotReadTheStoresKeysSaysItIgnoresThem() throws Exception {
    keys("create", "course-e");
    List<String> args = storeFlags();
    args.addAll(List.of("--workers", "0"));

    try (ServerProcess open = ServerProcess.start(List.of(), args)) {
      assertThat(open.awaitLog("api keys in the store ignored", "server open"))
          .contains("api keys in the store ignored")
          .contains("server open");
    }
  }

  @Test
  void revokingAnUnknownIdSaysSoAndExits1() throws Exception {
    ServerProcess.Finished revoked = keys("revoke", "0000000000000000");

    assertThat(revoked.exitCode()).isEqualTo(1);
    assertThat(revoked.stderr()).contains("no key with id 0000000000000000");
  }

  private static ServerProcess.Finished keys(String... words) throws Exception {
    List<String> args = new ArrayList<>(List.of("keys"));
    args.addAll(List.of(words));
    args.addAll(storeFlags());
    return ServerProcess.runToExit(args, Map.of());
  }

  private static List<String> storeFlags() {
    List<String> args =
        new ArrayList<>(
            List.of("--store", "mysql", "--mysql-url", DB.jdbcUrl(), "--mysql-user", DB.user()));
    if (!DB.password().isEmpty()) {
      args.addAll(List.of("--mysql-password", DB.password()));
    }
    return args;
  }

  private static String idOf(ServerProcess.Finished created) {
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    Matcher m = ID.matcher(created.stderr());
    assertThat(m.find()).as(created.stderr()).isTrue();
    return m.group(1);
  }

  /**
   * Polls POST /code-sessions with the client's key until it answers {@code status} (200: the
   * session was created).
   */
  private static void awaitStatus(HttpClientSupport client, int status, long withinMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + withinMillis * 1_000_000;
    int last;
    do {
      last =
          client
              .post(
                  "/code-sessions",
                  HttpClientSupport.object("language", "python", "source_code", "print(0)"))
              .status();
      if (last == status) {
        return;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        "expected " + status + " within " + withinMillis + " ms, last " + last);
  }
}
