package dev.livecode.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Session;
import dev.livecode.core.spi.Store;
import dev.livecode.testing.StoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MySqlStore meets the store contract on a host application's pool too, where it cannot send two
 * statements in one text and so takes other paths (each statement alone, JDBC's own transactions).
 */
class MySqlStoreOnAHostPoolIT extends StoreContract {
  @RegisterExtension static final MySqlTestStore DB = new MySqlTestStore(true);

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
