package dev.livecode.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Session;
import dev.livecode.core.spi.Store;
import dev.livecode.testing.StoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MySqlStore meets the store contract on a real server (by default the local MariaDB). */
class MySqlStoreIT extends StoreContract {
  @RegisterExtension static final MySqlTestStore DB = new MySqlTestStore();

  @Override
  protected Store store() {
    return DB.store();
  }

  @Test
  void aPendingExecutionCarriesTheSessionItsInsertCopied() {
    Session session = newSession("python", "print('saved')");

    try (Store.PendingExecution pending = store().beginExecution(run(session.id()))) {
      assertThat(pending.session()).contains(session);
    }
  }
}
