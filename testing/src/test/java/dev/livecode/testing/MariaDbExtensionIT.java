package dev.livecode.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fresh database per class on a static field, per test on an instance field, each dropped after.
 */
class MariaDbExtensionIT {
  @RegisterExtension static final MariaDbExtension CLASS_DB = new MariaDbExtension();

  @RegisterExtension final MariaDbExtension testDb = new MariaDbExtension();

  private static final List<String> CLASS_NAMES = new ArrayList<>();
  private static final List<String> TEST_NAMES = new ArrayList<>();

  @RepeatedTest(3)
  void eachTestHasADatabaseOfItsOwnAndTheClassOneStays() throws SQLException {
    for (String earlier : TEST_NAMES) {
      assertThat(exists(earlier))
          .as("the database of an earlier test, %s, was dropped", earlier)
          .isFalse();
    }
    CLASS_NAMES.add(CLASS_DB.database());
    TEST_NAMES.add(testDb.database());

    try (Connection c = testDb.connect();
        PreparedStatement s = c.prepareStatement("SELECT DATABASE()");
        ResultSet row = s.executeQuery()) {
      row.next();
      assertThat(row.getString(1)).isEqualTo(testDb.database());
    }
    assertThat(testDb.jdbcUrl()).startsWith("jdbc:mysql://").contains("/" + testDb.database());
    assertThat(exists(CLASS_DB.database())).isTrue();
  }

  @AfterAll
  static void oneClassDatabaseAndDistinctTestDatabases() {
    assertThat(CLASS_NAMES).hasSize(3).containsOnly(CLASS_NAMES.get(0));
    assertThat(TEST_NAMES).hasSize(3).doesNotHaveDuplicates().doesNotContain(CLASS_NAMES.get(0));
  }

  @Test
  void theClassDatabaseIsDroppedAfterTheClassAndNothingIsThereOutsideIt() throws SQLException {
    MariaDbExtension extension = new MariaDbExtension();
    assertThatThrownBy(extension::database)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("@RegisterExtension");

    extension.beforeAll(null);
    String name = extension.database();
    assertThat(exists(name)).isTrue();
    extension.afterAll(null);

    assertThat(exists(name)).isFalse();
    assertThatThrownBy(extension::jdbcUrl).isInstanceOf(IllegalStateException.class);
  }

  private static boolean exists(String database) throws SQLException {
    try (Connection c = CLASS_DB.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?")) {
      s.setString(1, database);
      try (ResultSet row = s.executeQuery()) {
        row.next();
        return row.getInt(1) == 1;
      }
    }
  }
}
