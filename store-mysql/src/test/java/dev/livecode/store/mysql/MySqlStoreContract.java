package dev.livecode.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Session;
import dev.livecode.core.spi.Store;
import dev.livecode.testing.StoreContract;
import org.junit.jupiter.api.Test;

/**
 * The store contract, and what MySqlStore promises beyond it, on whichever pool a subclass gives.
 */
abstract class MySqlStoreContract extends StoreContract {
  @Test
  void aPendingExecutionCarriesTheSessionItsInsertCopied() {
    Session session = newSession("python", "print('saved')");

    try (Store.PendingExecution pending = store().beginExecution(run(session.id()))) {
      assertThat(pending.session()).contains(session);
    }
  }
}
