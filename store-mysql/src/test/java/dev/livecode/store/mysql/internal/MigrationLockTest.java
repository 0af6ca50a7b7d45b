package dev.livecode.store.mysql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MigrationLockTest {
  @Test
  void namesTheDatabaseAndPrefixWhileTheyFit() {
    assertThat(MigrationLock.nameFor("app", "livecode_"))
        .isEqualTo("livecode-migrate:app:livecode_");
  }

  @Test
  void hashesNamesTheServerWouldRefuse() {
    String database = "d".repeat(64);

    String first = MigrationLock.nameFor(database, "a_".repeat(16));
    String second = MigrationLock.nameFor(database, "b_".repeat(16));

    assertThat(first)
        .hasSizeLessThanOrEqualTo(MigrationLock.MAX_NAME_LENGTH)
        .startsWith("livecode-");
    assertThat(second).hasSizeLessThanOrEqualTo(MigrationLock.MAX_NAME_LENGTH).isNotEqualTo(first);
  }
}
