package dev.livecode.testing;

import dev.livecode.core.spi.Store;

/**
 * The in-memory default meets the store contract; a fresh store per test (and the contract is
 * sound).
 */
class InMemoryStoreTest extends StoreContract {
  private final Store store = Store.inMemory();

  @Override
  protected Store store() {
    return store;
  }
}
