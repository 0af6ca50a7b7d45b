package dev.livecode.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.spi.JobQueue;
import dev.livecode.testing.RedisExtension;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The queue an application chooses by the name redis, without compiling against RedisQueue. */
class RedisQueueProviderIT {
  @RegisterExtension final RedisExtension redis = new RedisExtension();

  private static JobQueue.Provider redis() {
    List<JobQueue.Provider> named =
        ServiceLoader.load(JobQueue.Provider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("redis"))
            .toList();
    assertThat(named).as("queue providers named redis on the class path").hasSize(1);
    return named.get(0);
  }

  @Test
  void isFoundByNameAndMakesADurableQueueWithItsOwnEvents() {
    String prefix = redis.prefix();
    try (JobQueue queue =
        redis().create(Map.of("url", redis.url(), "prefix", prefix, "lease-ms", "6000"))) {
      assertThat(queue)
          .isInstanceOfSatisfying(
              RedisQueue.class, q -> assertThat(q.keyPrefix()).isEqualTo(prefix));
      assertThat(queue.durable()).isTrue();
      assertThat(queue.events()).isSameAs(queue.events());
      assertThat(queue.stats().waiting()).isZero();
    }
  }

  @Test
  void refusesSettingsItDoesNotKnowOrCannotRead() {
    assertThatThrownBy(() -> redis().create(Map.of("url", "redis://127.0.0.1:6379", "lease", "5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[lease]")
        .hasMessageContaining("lease-ms");
    assertThatThrownBy(() -> redis().create(Map.of("prefix", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs the setting url");
    assertThatThrownBy(
            () -> redis().create(Map.of("url", "redis://127.0.0.1:6379", "lease-ms", "soon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lease-ms must be an integer");
    assertThatThrownBy(() -> redis().create(Map.of("url", "http://127.0.0.1:6379")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://");
  }
}
