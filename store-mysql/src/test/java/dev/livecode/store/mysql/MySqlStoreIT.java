package dev.livecode.store.mysql;

import dev.livecode.core.spi.Store;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MySqlStore meets the store contract on a real server (by default the local MariaDB). */
class MySqlStoreIT extends MySqlStoreContract {
  @RegisterExtension static final MySqlTestStore DB = new MySqlTestStore();

  @Override
  protected Store store() {
    return DB.store();
  }
}
