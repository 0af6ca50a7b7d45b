package dev.livecode.server.internal;

import dev.livecode.core.spi.Store;
import dev.livecode.http.Authenticator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys kept in the store ({@code keys create}), as a copy in memory that a background thread
 * reads again every {@link #REFRESH}: a key revoked on any node stops working on every node within
 * a second, while a request never waits for the database. When the store cannot be read the last
 * copy stays in force, with a warning, so that a database hiccup does not lock every client out.
 */
final class StoreKeys implements Authenticator, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreKeys.class);

  /** Half the promised second, so that a slow read still lands within it. */
  static final Duration REFRESH = Duration.ofMillis(500);

  private static final Pattern SPACES = Pattern.compile("\\s+");

  private final Store.ApiKeys store;
  private final ScheduledExecutorService refresher;
  private volatile KeyDigests entries;
  private volatile boolean failing;

  private StoreKeys(Store.ApiKeys store) {
    this.store = store;
    this.entries = read(store);
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "livecode-store-keys");
              t.setDaemon(true);
              return t;
            });
    refresher.scheduleWithFixedDelay(
        this::refresh, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Reads the keys once and keeps them fresh.
   *
   * @throws dev.livecode.core.exception.StoreException when the store cannot be read at start
   */
  static StoreKeys start(Store.ApiKeys store) {
    StoreKeys keys = new StoreKeys(store);
    LOG.info("api keys loaded source=store {}", keys.summary());
    return keys;
  }

  @Override
  public Optional<Authenticator.Tenant> authenticate(String key) {
    return entries.find(key);
  }

  private void refresh() {
    try {
      KeyDigests fresh = read(store);
      String before = entries.summary();
      entries = fresh;
      if (failing || !before.equals(fresh.summary())) {
        LOG.info("api keys reloaded source=store {}", summary());
      }
      failing = false;
    } catch (RuntimeException e) {
      if (!failing) {
        LOG.warn(
            "api keys not reloaded source=store error={} keeping the keys in force",
            e.getClass().getSimpleName());
      }
      failing = true;
    }
  }

  private static KeyDigests read(Store.ApiKeys store) {
    List<KeyDigests.Entry> entries = new ArrayList<>();
    for (Store.ApiKeys.StoredKey key : store.active()) {
      try {
        List<String> options =
            key.options().isBlank() ? List.of() : List.of(SPACES.split(key.options().strip()));
        entries.add(
            new KeyDigests.Entry(
                HexFormat.of().parseHex(key.sha256()), KeyOptions.tenant(key.tenant(), options)));
      } catch (IllegalArgumentException e) {
        // Written by `keys create`, which checks the options; skip a row edited by hand.
        LOG.warn("api key skipped source=store id={} error=\"{}\"", key.id(), e.getMessage());
      }
    }
    return new KeyDigests(entries);
  }

  private String summary() {
    return entries.summary();
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
