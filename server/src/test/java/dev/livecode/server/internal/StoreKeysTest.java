package dev.livecode.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.exception.StoreException;
import dev.livecode.core.spi.Store;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StoreKeysTest {
  private static final String KEY = "lck_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
  private static final String OTHER = "lck_GFEDCBAzyxwvutsrqponmlkjihgfedcba9876543210";

  /** A store in memory that can be made to fail. */
  private static final class Keys implements Store.ApiKeys {
    final List<StoredKey> keys = new CopyOnWriteArrayList<>();
    final AtomicBoolean down = new AtomicBoolean();

    @Override
    public void insert(StoredKey key) {
      keys.add(key);
    }

    @Override
    public List<StoredKey> list() {
      return List.copyOf(keys);
    }

    @Override
    public List<StoredKey> active() {
      if (down.get()) {
        throw new StoreException("down");
      }
      return keys.stream().filter(k -> k.revokedAt().isEmpty()).toList();
    }

    @Override
    public boolean revoke(String id, Instant at) {
      return keys.removeIf(k -> k.id().equals(id));
    }
  }

  private static Store.ApiKeys.StoredKey stored(String id, String key, String options) {
    return new Store.ApiKeys.StoredKey(
        id,
        "tenant-" + id,
        HexFormat.of().formatHex(KeyFile.sha256(key.getBytes(StandardCharsets.UTF_8))),
        key.substring(0, 8),
        options,
        Instant.now(),
        Optional.empty());
  }

  @Test
  void aRevokedKeyStopsWithinASecondOffTheRequestPath() throws Exception {
    Keys store = new Keys();
    store.insert(stored("a", KEY, "concurrent_runs=2"));
    try (StoreKeys keys = StoreKeys.start(store)) {
      assertThat(keys.authenticate(KEY))
          .map(t -> t.quota().concurrentRuns().getAsInt())
          .contains(2);

      store.revoke("a", Instant.now());
      Thread.sleep(StoreKeys.REFRESH.toMillis() * 2 + 100);

      assertThat(keys.authenticate(KEY)).isEmpty();
    }
  }

  @Test
  void keepsTheKeysInForceWhileTheStoreCannotBeRead() throws Exception {
    Keys store = new Keys();
    store.insert(stored("a", KEY, ""));
    try (StoreKeys keys = StoreKeys.start(store)) {
      store.down.set(true);
      Thread.sleep(StoreKeys.REFRESH.toMillis() * 2 + 100);

      assertThat(keys.authenticate(KEY)).map(t -> t.id()).contains("tenant-a");
    }
  }

  @Test
  void skipsAStoredKeyWhoseOptionsNoLongerParseAndKeepsTheOthers() {
    Keys store = new Keys();
    store.insert(stored("a", KEY, "concurrent_runs=zero"));
    store.insert(stored("b", OTHER, "admin=true"));
    try (StoreKeys keys = StoreKeys.start(store)) {
      assertThat(keys.authenticate(KEY)).isEmpty();
      assertThat(keys.authenticate(OTHER)).map(t -> t.admin()).contains(true);
    }
  }
}
