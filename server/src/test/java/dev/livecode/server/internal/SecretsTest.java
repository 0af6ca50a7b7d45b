package dev.livecode.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

  @Test
  void masksPasswordsInUrls() {
    assertThat(Secrets.maskUrl("redis://:pw@host:6379")).isEqualTo("redis://:****@host:6379");
    assertThat(Secrets.maskUrl("rediss://user:pw@host")).isEqualTo("rediss://user:****@host");
    assertThat(Secrets.maskUrl("redis://token@host")).isEqualTo("redis://****@host");
    assertThat(Secrets.maskUrl("jdbc:mysql://h/db?user=a&password=pw&ssl=true"))
        .isEqualTo("jdbc:mysql://h/db?user=a&password=****&ssl=true");
    assertThat(Secrets.maskUrl("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
  }
}
