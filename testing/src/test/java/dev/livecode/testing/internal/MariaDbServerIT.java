package dev.livecode.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What an unreachable server says, and that no message shows a password. */
class MariaDbServerIT {

  @Test
  void anUnreachableServerFailsNamingTheVariablesAndTheScriptWithoutThePassword() {
    MariaDbServer dead =
        new MariaDbServer("jdbc:mysql://127.0.0.1:1/test?password=hunter2", "root", "s3cret");

    assertThatThrownBy(dead::checkReachable)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unreachable at jdbc:mysql://127.0.0.1:1/test?password=***")
        .hasMessageContaining("scripts/services.sh")
        .hasMessageContaining("LIVECODE_TEST_MYSQL_URL")
        .hasMessageContaining("LIVECODE_TEST_MYSQL_USER")
        .hasMessageContaining("LIVECODE_TEST_MYSQL_PASSWORD")
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("s3cret");
    assertThat(dead.toString()).doesNotContain("hunter2").doesNotContain("s3cret");
  }

  @Test
  void theConfiguredServerIsReachableAndMakesUrlsForItsDatabases() {
    MariaDbServer server = MariaDbServer.get();

    assertThat(server.urlOf("other")).endsWith("/other").startsWith("jdbc:mysql://");
    assertThat(new MariaDbServer("jdbc:mysql://h:1/test?useSSL=false", "u", "").urlOf("x"))
        .isEqualTo("jdbc:mysql://h:1/x?useSSL=false");
  }
}
