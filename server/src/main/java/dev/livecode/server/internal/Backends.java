package dev.livecode.server.internal;

import dev.livecode.core.LivecodeBuilder;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.core.spi.Store;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the store and queue the configuration names (chosen by name, never guessed), through the
 * {@link Store.Provider} and {@link JobQueue.Provider} of that name on the class path, so the
 * server does not compile against store-mysql or queue-redis. The server owns and closes them; the
 * engine closes only what it made itself (the in-memory store, which is given its budget here).
 */
final class Backends {
  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

  private Backends() {}

  /**
   * @throws ConfigException when no provider of the chosen name is on the class path
   * @throws dev.livecode.core.exception.StoreException when the database is unreachable or refuses
   *     the credentials
   * @throws dev.livecode.core.exception.QueueException when Redis is unreachable
   * @return the store made, empty for the in-memory one (which the engine makes)
   */
  static Optional<Store> configure(
      ServerConfig config, LivecodeBuilder builder, List<AutoCloseable> owned, ClassLoader loader) {
    // Both looked up before either is made, so that a missing one fails before a pool is opened.
    Optional<Store.Provider> storeProvider =
        config.store() == ServerConfig.StoreKind.MEMORY
            ? Optional.empty()
            : Optional.of(
                provider(
                    Store.Provider.class, Store.Provider::name, "store", config.store(), loader));
    Optional<JobQueue.Provider> queueProvider =
        config.queue() == ServerConfig.QueueKind.MEMORY
            ? Optional.empty()
            : Optional.of(
                provider(
                    JobQueue.Provider.class,
                    JobQueue.Provider::name,
                    "queue",
                    config.queue(),
                    loader));
    Optional<Store> made = Optional.empty();
    if (storeProvider.isPresent()) {
      Store store = storeProvider.get().create(config.storeSettings());
      made = Optional.of(store);
      owned.add(store);
      builder.store(store);
      LOG.info(
          "store chosen kind={} url={}",
          storeProvider.get().name(),
          Secrets.maskUrl(config.mysqlUrl()));
    } else {
      builder.memoryStoreBudgetBytes(config.memoryStoreBudgetBytes());
      LOG.info("store chosen kind=memory budget_bytes={}", config.memoryStoreBudgetBytes());
    }
    if (queueProvider.isPresent()) {
      JobQueue queue = queueProvider.get().create(config.queueSettings());
      owned.add(queue); // closes its events too
      builder.queue(queue);
      LOG.info(
          "queue chosen kind={} url={} prefix={}",
          queueProvider.get().name(),
          Secrets.maskUrl(config.redisUrl()),
          config.redisPrefix());
    }
    return made;
  }

  /**
   * The store the configuration names, made for a command that needs only the store ({@code keys});
   * the caller closes it.
   *
   * @throws ConfigException for the in-memory store, which lives only inside a server
   */
  static Store store(ServerConfig config, ClassLoader loader) {
    if (config.store() == ServerConfig.StoreKind.MEMORY) {
      throw new ConfigException("the memory store lives inside a running server only");
    }
    return provider(Store.Provider.class, Store.Provider::name, "store", config.store(), loader)
        .create(config.storeSettings());
  }

  private static <P> P provider(
      Class<P> type, Function<P, String> nameOf, String what, Enum<?> kind, ClassLoader loader) {
    String name = kind.name().toLowerCase(Locale.ROOT);
    try {
      return ServiceLoader.load(type, loader).stream()
          .map(ServiceLoader.Provider::get)
          .filter(p -> nameOf.apply(p).equals(name))
          .findFirst()
          .orElseThrow(
              () ->
                  new ConfigException(
                      "--"
                          + what
                          + " "
                          + name
                          + ": no "
                          + what
                          + " named "
                          + name
                          + " on the class path; add the livecode-"
                          + what
                          + "-"
                          + name
                          + " jar, or choose --"
                          + what
                          + " memory"));
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException(
          "cannot load the " + what + " providers on the class path: " + e.getMessage(), e);
    }
  }

  static void closeAll(List<AutoCloseable> owned) {
    for (int i = owned.size() - 1; i >= 0; i--) {
      AutoCloseable resource = owned.get(i);
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn(
            "close failed resource={} error={}", resource.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
