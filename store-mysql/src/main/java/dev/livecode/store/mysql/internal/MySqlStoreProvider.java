package dev.livecode.store.mysql.internal;

import dev.livecode.core.spi.Store;
import dev.livecode.store.mysql.MySqlStore;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code mysql}: a {@link MySqlStore} with a pool of its own, from the settings {@code url}
 * (required), {@code user}, {@code password}, {@code pool-size} and {@code table-prefix}; each one
 * not given keeps the builder's default.
 */
public final class MySqlStoreProvider implements Store.Provider {
  private static final Set<String> KEYS =
      Set.of("url", "user", "password", "pool-size", "table-prefix");

  @Override
  public String name() {
    return "mysql";
  }

  @Override
  public Store create(Map<String, String> settings) {
    Set<String> unknown = new TreeSet<>(settings.keySet());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown settings of the mysql store " + unknown + "; known: " + new TreeSet<>(KEYS));
    }
    String url = settings.get("url");
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(
          "the mysql store needs the setting url, e.g." + " jdbc:mysql://127.0.0.1:3306/livecode");
    }
    MySqlStore.Builder builder = MySqlStore.builder().jdbcUrl(url);
    if (settings.containsKey("user")) {
      builder.username(settings.get("user"));
    }
    if (settings.containsKey("password")) {
      builder.password(settings.get("password"));
    }
    if (settings.containsKey("pool-size")) {
      builder.poolSize(integer("pool-size", settings.get("pool-size")));
    }
    if (settings.containsKey("table-prefix")) {
      builder.tablePrefix(settings.get("table-prefix"));
    }
    return builder.build();
  }

  private static int integer(String key, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the mysql store's " + key + " must be an integer, was '" + value + "'");
    }
  }
}
