package dev.livecode.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Session;
import dev.livecode.core.spi.Store;
import dev.livecode.testing.StoreContract;
import java.util.Optional;
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
  void aPendingExecutionIsUnseenUntilItsCommit() {
    Session session = newSession();
    Store.NewExecution request = run(session.id());

    Optional<Execution> beforeCommit;
    try (Store.PendingExecution pending = store().beginExecution(request)) {
      beforeCommit = store().findExecution(request.id());
      pending.commit();
    }

    assertThat(beforeCommit).isEmpty();
    assertThat(store().findExecution(request.id())).isPresent();
  }
}
