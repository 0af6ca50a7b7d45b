package dev.livecode.testing;

import dev.livecode.testing.internal.TestEnvironment;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Redis for an integration test, shared with other tests but under a key prefix of the
 * test's own ({@code livecode-test-<random>}), whose keys ({@code <prefix>:*}) are deleted
 * afterwards: one prefix per test class when registered on a static field, one per test method on
 * an instance field.
 *
 * <pre>
 * &#64;RegisterExtension
 * final RedisExtension redis = new RedisExtension();
 * ... RedisQueue.builder().uri(redis.url()).keyPrefix(redis.prefix()) ...
 * </pre>
 *
 * <p>The server is {@value #URL_VARIABLE} (default {@value #DEFAULT_URL}, which {@code
 * scripts/services.sh} starts), or the system property of the same name in lower case with dots. An
 * unreachable server fails the tests, naming the variable; they are never skipped. A test that must
 * stop its Redis uses a {@link PrivateRedis} instead. Needs Lettuce on the test class path (an
 * optional dependency of this artifact).
 *
 * @since 0.2
 */
public final class RedisExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  public static final String URL_VARIABLE = "LIVECODE_TEST_REDIS_URL";
  public static final String DEFAULT_URL = "redis://127.0.0.1:6379";

  private final Supplier<String> configuredUrl;
  private Connected forClass;
  private Connected forTest;

  /** The Redis of {@value #URL_VARIABLE}. */
  public RedisExtension() {
    this(() -> TestEnvironment.variable(URL_VARIABLE, DEFAULT_URL));
  }

  /** The Redis at {@code url}: for this module's own tests of what an unreachable one says. */
  RedisExtension(Supplier<String> url) {
    this.configuredUrl = url;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    forClass = Connected.open(configuredUrl.get());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (forClass == null) {
      forTest = Connected.open(configuredUrl.get());
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (forTest != null) {
      forTest.close();
      forTest = null;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (forClass != null) {
      forClass.close();
      forClass = null;
    }
  }

  /** The Redis URL, for the code under test. */
  public String url() {
    return current().url;
  }

  /** The test's key prefix, without the {@code :} that separates it from the rest of a key. */
  public String prefix() {
    return current().prefix;
  }

  /** A connection of the extension's own, to look at what the code under test wrote. */
  public RedisCommands<String, String> commands() {
    return current().connection.sync();
  }

  /** Deletes every key under {@code <prefix>:} now (as it is done after the test). */
  public void deleteKeys() {
    current().deleteKeys();
  }

  private Connected current() {
    Connected connected = forTest != null ? forTest : forClass;
    if (connected == null) {
      throw new IllegalStateException(
          "no Redis outside a test: register RedisExtension on a field annotated "
              + "@RegisterExtension, static for one key prefix per class");
    }
    return connected;
  }

  /** One test's (or class's) prefix and inspection connection. */
  private static final class Connected implements AutoCloseable {
    private final String url;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String prefix = "livecode-test-" + UUID.randomUUID().toString().substring(0, 8);

    private Connected(
        String url, RedisClient client, StatefulRedisConnection<String, String> connection) {
      this.url = url;
      this.client = client;
      this.connection = connection;
    }

    static Connected open(String url) {
      RedisClient client = RedisClient.create();
      try {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(Duration.ofSeconds(5));
        StatefulRedisConnection<String, String> connection = client.connect(uri);
        connection.sync().ping();
        return new Connected(url, client, connection);
      } catch (RedisException | IllegalArgumentException e) {
        client.shutdown(0, 1, TimeUnit.SECONDS);
        throw new IllegalStateException(
            "the Redis of the integration tests is unreachable at "
                + TestEnvironment.masked(url)
                + " ("
                + e.getMessage()
                + "); "
                + TestEnvironment.HOW_TO_START
                + ", or point "
                + URL_VARIABLE
                + " at one (redis://host:port)",
            e);
      }
    }

    void deleteKeys() {
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page =
            connection.sync().scan(cursor, ScanArgs.Builder.matches(prefix + ":*").limit(500));
        if (!page.getKeys().isEmpty()) {
          connection.sync().del(page.getKeys().toArray(String[]::new));
        }
        cursor = page;
      } while (!cursor.isFinished());
    }

    @Override
    public void close() {
      try {
        deleteKeys();
      } finally {
        connection.close();
        client.shutdown(0, 1, TimeUnit.SECONDS);
      }
    }
  }
}
