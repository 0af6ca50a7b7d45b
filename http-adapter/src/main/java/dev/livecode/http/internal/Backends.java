package dev.livecode.http.internal;

import dev.livecode.core.LivecodeBuilder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the store and queue the configuration names; the server owns and closes them. */
final class Backends {
  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

  private Backends() {}

  static void configure(ServerConfig config, LivecodeBuilder builder, List<AutoCloseable> owned) {
    if (config.store() == ServerConfig.StoreKind.MYSQL || config.queue() == ServerConfig.QueueKind.REDIS) {
      throw new ConfigException("store-mysql / queue-redis are not wired in yet");
    }
  }

  static void closeAll(List<AutoCloseable> owned) {
    for (int i = owned.size() - 1; i >= 0; i--) {
      AutoCloseable resource = owned.get(i);
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("close failed resource={} error={}", resource.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
