package dev.livecode.store.mysql.internal;

import dev.livecode.core.exception.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.ValidateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema, through Flyway with its own history table ({@code <prefix>schema_history}), so it
 * sits beside a host application's own Flyway setup.
 *
 * <p>Nodes that start at once take turns: each migrates (or validates) holding {@link
 * MigrationLock}, so a node either creates the schema or finds it complete, never half made.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  public static final String LOCATION = "classpath:dev/livecode/store/mysql/migration";

  /**
   * How long a node waits for another node's migration: far longer than applying every migration to
   * an empty database takes, short enough that a stuck holder shows as an error, not a hang.
   */
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(60);

  private Migrations() {}

  /** Migrates (or only validates) and returns the schema version now in place. */
  public static String apply(DataSource dataSource, String tablePrefix, boolean migrate) {
    return apply(dataSource, tablePrefix, migrate, DEFAULT_LOCK_WAIT);
  }

  /**
   * Like {@link #apply(DataSource, String, boolean)}, waiting at most {@code lockWait} for another
   * node's migration.
   */
  public static String apply(
      DataSource dataSource, String tablePrefix, boolean migrate, Duration lockWait) {
    try (Connection connection = dataSource.getConnection()) {
      if (!MigrationLock.unsupportedOn(connection)) {
        try (MigrationLock lock = MigrationLock.acquire(connection, tablePrefix, lockWait)) {
          return run(new OneConnectionDataSource(connection), tablePrefix, migrate);
        }
      }
    } catch (SQLException e) {
      throw new StoreException(
          "cannot take the livecode migration lock (prefix '"
              + tablePrefix
              + "'): "
              + SqlErrors.oneLine(e),
          e);
    }
    // Only after the connection went back: Flyway takes one of its own from the pool.
    LOG.info("mysql migration lock unavailable reason=galera prefix={}", tablePrefix);
    return run(dataSource, tablePrefix, migrate);
  }

  private static String run(DataSource dataSource, String tablePrefix, boolean migrate) {
    Flyway flyway =
        Flyway.configure(Migrations.class.getClassLoader())
            .dataSource(dataSource)
            .locations(LOCATION)
            .table(tablePrefix + "schema_history")
            .placeholders(Map.of("prefix", tablePrefix))
            .failOnMissingLocations(true)
            // A schema that already holds a host application's tables (or another prefix's) is no
            // reason to refuse: the history table is our own, so start it at version 0 and apply
            // every migration. Without this Flyway stops at "non-empty schema but no history
            // table".
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .load();
    try {
      if (migrate) {
        int applied = flyway.migrate().migrationsExecuted;
        if (applied > 0) {
          LOG.info("mysql schema migrated prefix={} applied={}", tablePrefix, applied);
        }
      } else {
        ValidateResult result = flyway.validateWithResult();
        if (!result.validationSuccessful) {
          throw new StoreException(
              "the livecode tables (prefix '"
                  + tablePrefix
                  + "') are not at the version this "
                  + "release needs: "
                  + oneLine(result.getAllErrorMessages())
                  + "; start once with migrations enabled (migrate(true)) or apply the scripts in "
                  + LOCATION);
        }
      }
      MigrationInfo current = flyway.info().current();
      return current == null ? "none" : current.getVersion().getVersion();
    } catch (FlywayException e) {
      throw new StoreException(
          "cannot "
              + (migrate ? "migrate" : "validate")
              + " the livecode tables (prefix '"
              + tablePrefix
              + "'): "
              + oneLine(e.getMessage()),
          e);
    }
  }

  private static String oneLine(String text) {
    return text == null ? "no detail" : text.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
