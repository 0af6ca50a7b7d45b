package dev.livecode.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.Session;
import dev.livecode.core.spi.Store;
import dev.livecode.testing.MariaDbExtension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store an application chooses by the name mysql, without compiling against MySqlStore. */
class MySqlStoreProviderIT {
  @RegisterExtension final MariaDbExtension database = new MariaDbExtension();
  private final String prefix = MySqlTestStore.newPrefix();

  private static Store.Provider mysql() {
    List<Store.Provider> named =
        ServiceLoader.load(Store.Provider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("mysql"))
            .toList();
    assertThat(named).as("store providers named mysql on the class path").hasSize(1);
    return named.get(0);
  }

  @Test
  void isFoundByNameAndMakesADurableStoreFromItsSettings() {
    Session session =
        new Session(
            UUID.randomUUID(),
            Session.ANONYMOUS,
            "python",
            "print(1)",
            1,
            Instant.now(),
            Instant.now());

    try (Store store =
        mysql()
            .create(
                Map.of(
                    "url",
                    database.jdbcUrl(),
                    "user",
                    database.user(),
                    "password",
                    database.password(),
                    "pool-size",
                    "2",
                    "table-prefix",
                    prefix))) {
      store.insertSession(session);

      assertThat(store).isInstanceOf(MySqlStore.class);
      assertThat(store.findSession(session.id()))
          .hasValueSatisfying(s -> assertThat(s.sourceCode()).isEqualTo("print(1)"));
    }
  }

  @Test
  void refusesSettingsItDoesNotKnowOrCannotRead() {
    assertThatThrownBy(() -> mysql().create(Map.of("url", "jdbc:mysql://127.0.0.1/x", "pool", "2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[pool]")
        .hasMessageContaining("pool-size");
    assertThatThrownBy(() -> mysql().create(Map.of("user", "root")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs the setting url");
    assertThatThrownBy(
            () -> mysql().create(Map.of("url", "jdbc:mysql://127.0.0.1/x", "pool-size", "many")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pool-size must be an integer");
    assertThatThrownBy(() -> mysql().create(Map.of("url", "postgres://127.0.0.1/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:mysql:");
  }
}
