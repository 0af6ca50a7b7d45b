package dev.livecode.benchmarks.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void defaultsMeasureTheEmbeddedServerAtTheTargetLevels() {
    Options o = Options.parse(new String[0]);

    assertThat(o.modes()).containsExactly("embedded");
    assertThat(o.runs()).isEqualTo(500);
    assertThat(o.concurrency()).containsExactly(2, 8, 32);
    assertThat(o.connections()).containsExactly(1, 32, 256);
    assertThat(o.samples()).isGreaterThanOrEqualTo(50);
  }

  @Test
  void quickKeepsAtLeastFiftyLatencySamplesButFewerRuns() {
    Options o = Options.parse(new String[] {"--quick"});

    assertThat(o.samples()).isEqualTo(50);
    assertThat(o.runs()).isEqualTo(100);
    assertThat(o.httpSeconds()).isEqualTo(2.0);
  }

  @Test
  void backToBackLoopsAndWatchersKeepTheirSizeInQuickModeUnlessGiven() {
    Options quick = Options.parse(new String[] {"--quick"});
    Options small =
        Options.parse(new String[] {"--quick", "--back-to-back-runs", "10", "--watchers", "50"});

    assertThat(quick.backToBackRuns()).isEqualTo(200);
    assertThat(quick.watchers()).isEqualTo(1000);
    assertThat(small.backToBackRuns()).isEqualTo(10);
    assertThat(small.watchers()).isEqualTo(50);
    assertThatThrownBy(() -> Options.parse(new String[] {"--watchers", "0"}))
        .hasMessageContaining("watchers");
  }

  @Test
  void modeAllRunsBothModes() {
    assertThat(Options.parse(new String[] {"--mode", "all"}).modes())
        .containsExactly("embedded", "redis-mysql");
  }

  @Test
  void parsesListsAndOverrides() {
    Options o =
        Options.parse(
            new String[] {
              "--concurrency", "1, 4", "--tiers", "", "--languages", "Python", "--runs", "10"
            });

    assertThat(o.concurrency()).containsExactly(1, 4);
    assertThat(o.tiers()).isEmpty();
    assertThat(o.languages()).containsExactly("python");
    assertThat(o.runs()).isEqualTo(10);
  }

  @Test
  void sectionsPickOnlyTheNamedParts() {
    Options o = Options.parse(new String[] {"--sections", "http"});

    assertThat(o.includes("http")).isTrue();
    assertThat(o.includes("latency")).isFalse();
    assertThat(o.includes("throughput")).isFalse();
  }

  @Test
  void runsEverySectionByDefault() {
    assertThat(Options.parse(new String[0]).sections())
        .containsExactly("latency", "throughput", "http", "live");
  }

  @Test
  void rejectsAnUnknownSectionNamingIt() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--sections", "disk"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("disk");
  }

  @Test
  void rejectsAnUnknownModeNamingIt() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--mode", "cluster"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cluster");
  }

  @Test
  void rejectsANonPositiveConcurrency() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--concurrency", "0"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("concurrency");
  }

  @Test
  void buildsTheDatabaseUrlFromTheServerUrl() {
    assertThat(MysqlDatabase.withDatabase("jdbc:mysql://127.0.0.1:3306/", "b1"))
        .isEqualTo("jdbc:mysql://127.0.0.1:3306/b1");
    assertThat(MysqlDatabase.withDatabase("jdbc:mysql://127.0.0.1:3306/test?useSSL=false", "b1"))
        .isEqualTo("jdbc:mysql://127.0.0.1:3306/b1?useSSL=false");
    assertThat(MysqlDatabase.withDatabase("jdbc:mysql://h", "b1")).isEqualTo("jdbc:mysql://h/b1");
  }

  @Test
  void masksPasswordsInLoggedCommandLines() {
    assertThat(
            ServerProcess.redact(
                java.util.List.of(
                    "--mysql-password", "s3cret", "--redis-url", "redis://:pw@h:6379")))
        .containsExactly("--mysql-password", "****", "--redis-url", "redis://:****@h:6379");
  }

  @Test
  void escapesGlobCharactersInARedisPrefix() {
    assertThat(RedisKeys.escapeGlob("a*b?[c]")).isEqualTo("a\\*b\\?\\[c\\]");
  }
}
