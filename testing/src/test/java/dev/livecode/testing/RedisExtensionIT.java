package dev.livecode.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A key prefix per class on a static field, per test on an instance field; its keys, and only
 * those, deleted after.
 */
class RedisExtensionIT {
  @RegisterExtension static final RedisExtension CLASS_REDIS = new RedisExtension();

  @RegisterExtension final RedisExtension testRedis = new RedisExtension();

  private static final List<String> CLASS_PREFIXES = new ArrayList<>();
  private static final List<String> TEST_PREFIXES = new ArrayList<>();

  @RepeatedTest(3)
  void eachTestHasAPrefixOfItsOwnWhoseKeysAreGoneAfterIt() {
    for (String earlier : TEST_PREFIXES) {
      assertThat(CLASS_REDIS.commands().exists(earlier + ":key"))
          .as("key of an earlier test")
          .isZero();
    }
    CLASS_PREFIXES.add(CLASS_REDIS.prefix());
    TEST_PREFIXES.add(testRedis.prefix());

    testRedis.commands().set(testRedis.prefix() + ":key", "value");

    assertThat(CLASS_REDIS.commands().get(testRedis.prefix() + ":key")).isEqualTo("value");
    assertThat(testRedis.url()).startsWith("redis://");
  }

  @AfterAll
  static void oneClassPrefixAndDistinctTestPrefixes() {
    assertThat(CLASS_PREFIXES).hasSize(3).containsOnly(CLASS_PREFIXES.get(0));
    assertThat(TEST_PREFIXES)
        .hasSize(3)
        .doesNotHaveDuplicates()
        .doesNotContain(CLASS_PREFIXES.get(0));
  }

  @Test
  void deletesTheKeysUnderItsPrefixAndNoOthers() {
    RedisExtension extension = new RedisExtension();
    String outside = "livecode-test-outside-" + UUID.randomUUID();
    extension.beforeEach(null);
    String prefix = extension.prefix();
    try {
      for (int i = 0; i < 1200; i++) {
        extension.commands().set(prefix + ":" + i, "x");
      }
      extension.commands().set(prefix + "-not-under-it", "x");
      extension.commands().set(outside, "x");

      extension.afterEach(null);

      assertThat(CLASS_REDIS.commands().keys(prefix + ":*")).isEmpty();
      assertThat(CLASS_REDIS.commands().exists(prefix + "-not-under-it", outside)).isEqualTo(2);
      assertThatThrownBy(extension::prefix)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("@RegisterExtension");
    } finally {
      CLASS_REDIS.commands().del(prefix + "-not-under-it", outside);
    }
  }

  @Test
  void anUnreachableRedisFailsNamingTheVariableAndTheScriptWithoutThePassword() {
    RedisExtension dead = new RedisExtension(() -> "redis://:s3cret@127.0.0.1:1");

    assertThatThrownBy(() -> dead.beforeEach(null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unreachable at redis://:***@127.0.0.1:1")
        .hasMessageContaining("scripts/services.sh")
        .hasMessageContaining(RedisExtension.URL_VARIABLE)
        .hasMessageNotContaining("s3cret");
  }
}
