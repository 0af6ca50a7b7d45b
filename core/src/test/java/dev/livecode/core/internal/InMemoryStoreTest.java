package dev.livecode.core.internal;

import dev.livecode.core.spi.Store;
import dev.livecode.core.spi.StoreContract;

/** The in-memory default meets the store contract; a fresh store per test. */
class InMemoryStoreTest extends StoreContract {
  private final Store store = Store.inMemory();

  @Override
  protected Store store() {
    return store;
  }
}
