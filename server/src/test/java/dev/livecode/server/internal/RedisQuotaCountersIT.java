package dev.livecode.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.http.QuotaCounters;
import dev.livecode.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Quota counters of two api nodes sharing one Redis: racing requests on both never get past a
 * tenant's limit between them.
 */
class RedisQuotaCountersIT {
  @RegisterExtension final RedisExtension redis = new RedisExtension();

  private RedisQuotaCounters nodeA;
  private RedisQuotaCounters nodeB;
  private final ExecutorService pool = Executors.newFixedThreadPool(16);

  @BeforeEach
  void connect() {
    nodeA = RedisQuotaCounters.connect(redis.url(), redis.prefix());
    nodeB = RedisQuotaCounters.connect(redis.url(), redis.prefix());
  }

  @AfterEach
  void close() {
    pool.shutdownNow();
    nodeA.close();
    nodeB.close();
  }

  @Test
  void racingReservationsOnTwoNodesNeverHoldMoreThanTheLimit() throws Exception {
    List<Callable<Boolean>> attempts = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      QuotaCounters node = i % 2 == 0 ? nodeA : nodeB;
      String member = "r:" + i;
      attempts.add(() -> node.reserve("inflight:t", member, 2));
    }

    long admitted = count(pool.invokeAll(attempts));

    assertThat(admitted).isEqualTo(2);
    assertThat(nodeB.members("inflight:t")).hasSize(2);
    String held = nodeA.members("inflight:t").iterator().next();
    assertThat(nodeA.reserve("inflight:t", held, 2)).as("a member already in").isTrue();
    nodeB.release("inflight:t", held);
    assertThat(nodeA.reserve("inflight:t", "r:next", 2)).isTrue();
    assertThat(nodeB.reserve("inflight:t", "r:more", 2)).isFalse();
  }

  @Test
  void racingHitsOnTwoNodesCountOneWindowForBoth() throws Exception {
    List<Callable<Boolean>> hits = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      QuotaCounters node = i % 2 == 0 ? nodeA : nodeB;
      hits.add(() -> node.hit("runs:t", 3, Duration.ofMinutes(1)).admitted());
    }

    long admitted = count(pool.invokeAll(hits));
    QuotaCounters.Window refused = nodeA.hit("runs:t", 3, Duration.ofMinutes(1));

    assertThat(admitted).isEqualTo(3);
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.count()).isEqualTo(3);
    assertThat(refused.reset()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
    assertThat(nodeB.hit("runs:other", 3, Duration.ofMinutes(1)).admitted()).isTrue();
  }

  @Test
  void aWindowEndsAndCountsAfresh() throws Exception {
    assertThat(nodeA.hit("sessions:t", 1, Duration.ofMillis(200)).admitted()).isTrue();
    assertThat(nodeB.hit("sessions:t", 1, Duration.ofMillis(200)).admitted()).isFalse();

    Thread.sleep(300);

    assertThat(nodeB.hit("sessions:t", 1, Duration.ofMillis(200)).admitted()).isTrue();
  }

  private static long count(List<Future<Boolean>> results) throws Exception {
    long admitted = 0;
    for (Future<Boolean> result : results) {
      admitted += result.get() ? 1 : 0;
    }
    return admitted;
  }
}
