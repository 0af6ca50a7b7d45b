package dev.livecode.store.mysql;

import dev.livecode.core.spi.Store;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MySqlStore meets the store contract on a host application's pool too, where it cannot send two
 * statements in one text and so takes other paths (each statement alone, JDBC's own transactions).
 */
class MySqlStoreOnAHostPoolIT extends MySqlStoreContract {
  @RegisterExtension static final MySqlTestStore DB = new MySqlTestStore(true);

  @Override
  protected Store store() {
    return DB.store();
  }
}
