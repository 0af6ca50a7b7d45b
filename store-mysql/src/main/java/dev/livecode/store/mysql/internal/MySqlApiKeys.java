package dev.livecode.store.mysql.internal;

import dev.livecode.core.exception.StoreException;
import dev.livecode.core.spi.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The {@code <prefix>api_keys} table. Every statement is atomic on its own. */
public final class MySqlApiKeys implements Store.ApiKeys {
  private static final String COLUMNS =
      "id, tenant, key_sha256, key_prefix, options, created_at, revoked_at";

  private final DataSource dataSource;
  private final String insert;
  private final String list;
  private final String active;
  private final String revoke;

  public MySqlApiKeys(DataSource dataSource, String tablePrefix) {
    this.dataSource = dataSource;
    String table = tablePrefix + "api_keys";
    insert = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, NULL)";
    list = "SELECT " + COLUMNS + " FROM " + table + " ORDER BY created_at, id";
    active =
        "SELECT "
            + COLUMNS
            + " FROM "
            + table
            + " WHERE revoked_at IS NULL ORDER BY created_at, id";
    revoke = "UPDATE " + table + " SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
  }

  @Override
  public void insert(StoredKey key) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(insert)) {
      s.setString(1, key.id());
      s.setString(2, key.tenant());
      s.setString(3, key.sha256());
      s.setString(4, key.prefix());
      s.setString(5, key.options());
      Rows.setInstant(s, 6, key.createdAt());
      s.executeUpdate();
    } catch (SQLException e) {
      if (SqlErrors.isDuplicateKey(e)) {
        throw new IllegalStateException("an API key with this id or digest exists already", e);
      }
      throw failure("store an API key", e);
    }
  }

  @Override
  public List<StoredKey> list() {
    return query(list, "list the API keys");
  }

  @Override
  public List<StoredKey> active() {
    return query(active, "read the API keys");
  }

  @Override
  public boolean revoke(String id, Instant at) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(revoke)) {
      Rows.setInstant(s, 1, at);
      s.setString(2, id);
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("revoke an API key", e);
    }
  }

  private List<StoredKey> query(String sql, String operation) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rows = s.executeQuery()) {
      List<StoredKey> keys = new ArrayList<>();
      while (rows.next()) {
        keys.add(
            new StoredKey(
                rows.getString("id"),
                rows.getString("tenant"),
                rows.getString("key_sha256"),
                rows.getString("key_prefix"),
                rows.getString("options"),
                Rows.instant(rows, "created_at"),
                Optional.ofNullable(Rows.instant(rows, "revoked_at"))));
      }
      return keys;
    } catch (SQLException e) {
      throw failure(operation, e);
    }
  }

  private static StoreException failure(String operation, SQLException e) {
    return new StoreException("cannot " + operation + ": " + SqlErrors.oneLine(e), e);
  }
}
