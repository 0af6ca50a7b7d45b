package dev.livecode.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.sandbox.Isolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  @Test
  void defaultsMatchTheOriginalService() {
    ServerConfig config = ServerConfig.parse(new String[0], Map.of());

    assertThat(config.port()).isEqualTo(1409);
    assertThat(config.role()).isEqualTo(ServerConfig.Role.ALL);
    assertThat(config.defaultLimits().wallTime()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.store()).isEqualTo(ServerConfig.StoreKind.MEMORY);
    assertThat(config.queue()).isEqualTo(ServerConfig.QueueKind.MEMORY);
    assertThat(config.isolation()).isEqualTo(Isolation.AUTO);
  }

  @Test
  void servesThePlaygroundUnlessTurnedOff() {
    assertThat(ServerConfig.parse(new String[0], Map.of()).playground())
        .isEqualTo(ServerConfig.Switch.ON);
    assertThat(ServerConfig.parse(new String[] {"--playground", "off"}, Map.of()).playground())
        .isEqualTo(ServerConfig.Switch.OFF);
    assertThat(ServerConfig.parse(new String[0], Map.of("LIVECODE_PLAYGROUND", "OFF")).playground())
        .isEqualTo(ServerConfig.Switch.OFF);
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--playground", "yes"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--playground");
  }

  @Test
  void forksWarmInterpretersUnlessTurnedOff() {
    assertThat(ServerConfig.parse(new String[0], Map.of()).forkServer())
        .isEqualTo(ServerConfig.Switch.ON);
    assertThat(ServerConfig.parse(new String[] {"--fork-server", "off"}, Map.of()).forkServer())
        .isEqualTo(ServerConfig.Switch.OFF);
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--fork-server", "2"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--fork-server");
  }

  @Test
  void keysInTheStoreNeedTheMySqlStore() {
    assertThatThrownBy(
            () -> ServerConfig.parse(new String[] {"--api-keys-store", "true"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("needs --store mysql")
        .hasMessageContaining("--api-keys-file");
  }

  @Test
  void keysInTheStoreListenOnEveryInterfaceLikeAKeyFile() {
    ServerConfig config =
        ServerConfig.parse(
            new String[] {
              "--store", "mysql", "--mysql-url", "jdbc:mysql://db:3306/x", "--api-keys-store=true"
            },
            Map.of());

    assertThat(config.apiKeysStore()).isTrue();
    assertThat(config.host()).isEqualTo("0.0.0.0");
  }

  @Test
  void flagWinsOverEnvironmentVariable() {
    ServerConfig config =
        ServerConfig.parse(
            new String[] {"--port", "8080", "--workers=3"},
            Map.of(
                "LIVECODE_PORT", "9090", "LIVECODE_WORKERS", "7", "LIVECODE_WALL_TIME_MS", "2500"));

    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.workers()).isEqualTo(3);
    assertThat(config.defaultLimits().wallTime()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void readsPerLanguageSettingsFromFlagsAndVariables() {
    ServerConfig config =
        ServerConfig.parse(
            new String[] {
              "--python",
              "/opt/py/bin/python3",
              "--lang-ruby-args",
              "-W0  -U",
              "--lang-ruby-env",
              "A=1",
              "--lang-ruby-env",
              "B=x=y"
            },
            Map.of(
                "LIVECODE_LANG_RUBY_INTERPRETER",
                "/usr/bin/ruby",
                "LIVECODE_LANG_RUBY_ENV",
                "C=3",
                "LIVECODE_NODE",
                "/usr/local/bin/node"));

    assertThat(config.runnerSettings().get("python").interpreter())
        .contains(Path.of("/opt/py/bin/python3"));
    assertThat(config.runnerSettings().get("javascript").interpreter())
        .contains(Path.of("/usr/local/bin/node"));
    assertThat(config.runnerSettings().get("typescript").interpreter())
        .contains(Path.of("/usr/local/bin/node"));
    assertThat(config.runnerSettings().get("ruby").interpreter())
        .contains(Path.of("/usr/bin/ruby"));
    assertThat(config.runnerSettings().get("ruby").extraArgs()).containsExactly("-W0", "-U");
    assertThat(config.runnerSettings().get("ruby").extraEnv())
        .isEqualTo(Map.of("A", "1", "B", "x=y"));
  }

  @Test
  void rejectsUnknownFlagNamingIt() {
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--prot", "1"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--prot");
  }

  @Test
  void rejectsBadValuesNamingTheFlagOrVariable() {
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--port", "70000"}, Map.of()))
        .hasMessage("--port must be 0 to 65535, was 70000");
    assertThatThrownBy(
            () -> ServerConfig.parse(new String[0], Map.of("LIVECODE_ISOLATION", "docker")))
        .hasMessageContaining("LIVECODE_ISOLATION must be one of auto|bwrap|unshare|none");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--port"}, Map.of()))
        .hasMessage("--port needs a value");
  }

  @Test
  void rejectsDefaultLimitAboveItsCap() {
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--wall-time-ms", "60000"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "--wall-time-ms 60000 is above the cap LIVECODE_MAX_WALL_TIME_MS 30000");
  }

  @Test
  void requiresAUrlForTheMysqlStoreAndRedisForSplitRoles() {
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--store", "mysql"}, Map.of()))
        .hasMessageContaining("--mysql-url");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--role", "api"}, Map.of()))
        .hasMessageContaining("--queue redis");
  }

  @Test
  void readsTheMemoryStoreBudgetInMibFromTheFlagOrTheVariable() {
    ServerConfig byDefault = ServerConfig.parse(new String[0], Map.of());
    ServerConfig byFlag =
        ServerConfig.parse(new String[] {"--memory-store-budget-mb", "64"}, Map.of());
    ServerConfig byVariable =
        ServerConfig.parse(new String[0], Map.of("LIVECODE_MEMORY_STORE_BUDGET_MB", "1024"));

    assertThat(byDefault.memoryStoreBudgetBytes()).isEqualTo(256L << 20);
    assertThat(byFlag.memoryStoreBudgetBytes()).isEqualTo(64L << 20);
    assertThat(byVariable.memoryStoreBudgetBytes()).isEqualTo(1024L << 20);
    assertThat(byFlag.describe()).contains("memory_store_budget_mb=64");
  }

  @Test
  void rejectsAMemoryStoreBudgetForTheMysqlStore() {
    assertThatThrownBy(
            () ->
                ServerConfig.parse(
                    new String[] {
                      "--store",
                      "mysql",
                      "--mysql-url",
                      "jdbc:mysql://db:3306/lc",
                      "--memory-store-budget-mb",
                      "64"
                    },
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--memory-store-budget-mb applies to --store memory only");
    assertThatThrownBy(
            () -> ServerConfig.parse(new String[] {"--memory-store-budget-mb", "0"}, Map.of()))
        .hasMessage("--memory-store-budget-mb must be 1 to 1048576, was 0");
  }

  @Test
  void readsThePasswordFromAFileAndNeverDescribesIt() throws Exception {
    Path file = Files.createTempFile("pw", ".txt");
    try {
      Files.writeString(file, "s3cret\n");
      ServerConfig config =
          ServerConfig.parse(
              new String[] {
                "--store",
                "mysql",
                "--mysql-url",
                "jdbc:mysql://db:3306/lc?password=inurl",
                "--mysql-password-file",
                file.toString(),
                "--queue",
                "redis",
                "--redis-url",
                "redis://:tok3n@redis:6379/0"
              },
              Map.of());

      assertThat(config.mysqlPassword()).isEqualTo("s3cret");
      assertThat(config.describe())
          .doesNotContain("s3cret")
          .doesNotContain("inurl")
          .doesNotContain("tok3n")
          .contains("mysql_password=****")
          .contains("redis_url=redis://:****@redis:6379/0");
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void readsTheConnectionCapTimeoutsAndHeaderLimit() {
    ServerConfig config =
        ServerConfig.parse(
            new String[] {"--header-timeout-ms", "2000", "--max-header-bytes=8192"},
            Map.of("LIVECODE_MAX_CONNECTIONS", "300", "LIVECODE_REQUEST_TIMEOUT_MS", "9000"));

    assertThat(config.maxConnections()).isEqualTo(300);
    assertThat(config.headerTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(config.maxHeaderBytes()).isEqualTo(8192);
    assertThat(config.describe()).contains("max_connections=300", "header_timeout_ms=2000");
  }

  @Test
  void readsTheEventStreamCapAndKeepsTheDefaultWithoutIt() {
    ServerConfig config =
        ServerConfig.parse(new String[] {"--max-event-streams", "1100"}, Map.of());

    assertThat(config.maxEventStreams()).isEqualTo(1100);
    assertThat(ServerConfig.parse(new String[0], Map.of()).maxEventStreams()).isEqualTo(256);
    assertThatThrownBy(
            () -> ServerConfig.parse(new String[] {"--max-event-streams", "0"}, Map.of()))
        .hasMessageContaining("--max-event-streams");
  }

  @Test
  void rejectsATimeoutBelowItsFloor() {
    assertThatThrownBy(
            () -> ServerConfig.parse(new String[] {"--header-timeout-ms", "0"}, Map.of()))
        .hasMessage("--header-timeout-ms must be 100 to 3600000, was 0");
  }

  @Test
  void helpListsEveryOption() {
    String help = Options.help();

    List<String> names = Options.ALL.stream().map(Options.Option::name).toList();
    assertThat(names).allSatisfy(name -> assertThat(help).contains("--" + name));
  }
}
