package dev.livecode.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A redis-server of the test's own: killed, it is down; started again, it has kept every write. */
class PrivateRedisIT {

  @Test
  void keepsWhatWasWrittenAcrossAKill() throws Exception {
    RedisClient client = RedisClient.create();
    try (PrivateRedis server = new PrivateRedis()) {
      RedisURI uri = RedisURI.create(server.url());
      uri.setTimeout(Duration.ofSeconds(2));
      try (StatefulRedisConnection<String, String> before = client.connect(uri)) {
        before.sync().set("kept", "yes");
      }

      server.kill();
      assertThatThrownBy(() -> client.connect(uri).close()).isInstanceOf(RedisException.class);
      server.start();

      try (StatefulRedisConnection<String, String> after = client.connect(uri)) {
        assertThat(after.sync().get("kept")).isEqualTo("yes");
      }
    } finally {
      client.shutdown(0, 1, TimeUnit.SECONDS);
    }
  }
}
