package dev.livecode.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.Livecode;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The store and queue are found by name; one missing from the class path is a usage error before
 * anything opens.
 */
class BackendsTest {
  /** Sees the JDK only: no provider of any kind. */
  private static final ClassLoader EMPTY =
      new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());

  @Test
  void aStoreMissingFromTheClassPathIsAUsageErrorNamingTheJar() {
    ServerConfig config =
        ServerConfig.parse(
            new String[] {"--store", "mysql", "--mysql-url", "jdbc:mysql://db:3306/lc"}, Map.of());
    List<AutoCloseable> owned = new ArrayList<>();

    assertThatThrownBy(() -> Backends.configure(config, Livecode.builder(), owned, EMPTY))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "--store mysql: no store named mysql on the class path; add the livecode-store-mysql jar,"
                + " or choose --store memory");
    assertThat(owned).isEmpty();
  }

  @Test
  void aQueueMissingFromTheClassPathIsAUsageErrorNamingTheJar() {
    ServerConfig config = ServerConfig.parse(new String[] {"--queue", "redis"}, Map.of());

    assertThatThrownBy(
            () -> Backends.configure(config, Livecode.builder(), new ArrayList<>(), EMPTY))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--queue redis: no queue named redis on the class path")
        .hasMessageContaining("livecode-queue-redis");
  }

  @Test
  void theInMemoryDefaultsNeedNoProvider() {
    List<AutoCloseable> owned = new ArrayList<>();

    Backends.configure(
        ServerConfig.parse(new String[0], Map.of()), Livecode.builder(), owned, EMPTY);

    assertThat(owned).isEmpty();
  }

  @Test
  void settingsReachTheProviderUnderItsOwnNames() {
    ServerConfig config =
        ServerConfig.parse(
            new String[] {
              "--store",
              "mysql",
              "--mysql-url",
              "jdbc:mysql://db:3306/lc",
              "--mysql-user",
              "app",
              "--queue",
              "redis",
              "--redis-url",
              "redis://r:6379/1",
              "--redis-lease-ms",
              "6000"
            },
            Map.of("LIVECODE_MYSQL_PASSWORD", "pw", "LIVECODE_REDIS_PREFIX", "lc"));

    assertThat(config.storeSettings())
        .isEqualTo(
            Map.of(
                "url",
                "jdbc:mysql://db:3306/lc",
                "user",
                "app",
                "password",
                "pw",
                "pool-size",
                "10"));
    assertThat(config.queueSettings())
        .isEqualTo(Map.of("url", "redis://r:6379/1", "prefix", "lc", "lease-ms", "6000"));
    assertThat(ServerConfig.parse(new String[0], Map.of()).storeSettings()).isEmpty();
  }

  @Test
  void anUnknownKindIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--store", "postgres"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--store must be one of memory|mysql, was 'postgres'");
    assertThatThrownBy(() -> ServerConfig.parse(new String[0], Map.of("LIVECODE_QUEUE", "kafka")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("LIVECODE_QUEUE must be one of memory|redis, was 'kafka'");
  }
}
