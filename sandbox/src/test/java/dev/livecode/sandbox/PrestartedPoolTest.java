package dev.livecode.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pre-started pool with items that are not processes: what it hands out, when it starts, when
 * it stops.
 */
class PrestartedPoolTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final Items items = new Items();
  private PrestartedPool<Item> pool;

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void takeFromAPoolWithNothingStartedYetIsEmptyAtOnce() throws Exception {
    items.gate = new CountDownLatch(1);
    pool = PrestartedPool.builder("test", items).size(1).start();

    long started = System.nanoTime();
    assertThat(pool.take()).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));

    items.gate.countDown();
    eventually("the pool filled", () -> pool.idle() == 1);
    assertThat(pool.take()).isPresent();
  }

  @Test
  void refillsAfterATake() throws Exception {
    pool = PrestartedPool.builder("test", items).size(2).start();
    eventually("full", () -> pool.idle() == 2);

    Optional<Item> taken = pool.take();

    assertThat(taken).isPresent();
    eventually("full again", () -> pool.idle() == 2);
    assertThat(items.started).hasSize(3);
    assertThat(items.discarded).isEmpty();
  }

  @Test
  void waitsTheRefillDelayAfterATake() throws Exception {
    pool =
        PrestartedPool.builder("test", items).size(1).refillDelay(Duration.ofMillis(300)).start();
    eventually("full", () -> pool.idle() == 1);

    long took = System.nanoTime();
    assertThat(pool.take()).isPresent();
    eventually("refilled", () -> pool.idle() == 1);

    assertThat(items.started.get(1).startedNanos - took)
        .isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
  }

  @Test
  void growsTowardsItsMaximumWhileTakesComeFasterThanTheLeadTime() throws Exception {
    pool = backToBackPool(2, 6);
    eventually("full", () -> pool.idle() == 2);

    takeBackToBack(10, Duration.ofMillis(20));

    assertThat(pool.target()).as("target after takes 20 ms apart, lead time 1 s").isEqualTo(6);
    eventually("grown to its maximum", () -> pool.idle() == 6);
  }

  @Test
  void neverKeepsMoreThanItsMaximumHoweverFastTheTakes() throws Exception {
    pool = backToBackPool(2, 4);
    eventually("full", () -> pool.idle() == 2);

    takeBackToBack(30, Duration.ofMillis(1));
    Thread.sleep(300);

    assertThat(pool.target()).isEqualTo(4);
    assertThat(pool.idle()).isLessThanOrEqualTo(4);
  }

  @Test
  void refillsWithoutTheDelayWhileTakesComeBackToBack() throws Exception {
    pool = backToBackPool(2, 6);
    eventually("full", () -> pool.idle() == 2);
    takeBackToBack(6, Duration.ofMillis(20));
    eventually("refilled", () -> pool.idle() >= 2);
    int before = items.started.size();

    long took = System.nanoTime();
    assertThat(pool.take()).isPresent();
    eventually("a start after the take", () -> items.started.size() > before);

    assertThat(items.started.get(before).startedNanos - took)
        .as("start after a back-to-back take, refill delay 5 s")
        .isLessThan(Duration.ofSeconds(2).toNanos());
  }

  @Test
  void takesThatFindItEmptyUnderDemandRaiseItsTargetPastTheRate() throws Exception {
    items.gate = new CountDownLatch(1);
    pool =
        PrestartedPool.builder("test", items)
            .size(1)
            .maxSize(64)
            .leadTime(Duration.ofMillis(300))
            .start();

    takeBackToBack(6, Duration.ofMillis(50));

    // Takes at least 50 ms apart with a lead time of 300 ms ask for 7 at most from the rate alone.
    assertThat(pool.target()).isGreaterThan(7);
    items.gate.countDown();
  }

  @Test
  void startsOverlapWithTwoStarters() throws Exception {
    items.gate = new CountDownLatch(1);
    pool = PrestartedPool.builder("test", items).size(3).starters(2).start();

    eventually("two starts under way at once", () -> items.attempts.size() == 2);
    Thread.sleep(100);

    assertThat(items.attempts).as("starts while both are held").hasSize(2);
    items.gate.countDown();
    eventually("full", () -> pool.idle() == 3);
    assertThat(items.started).hasSize(3);
  }

  @Test
  void pacedTakesLeaveItAtItsSizeWithItsRefillDelay() throws Exception {
    pool =
        PrestartedPool.builder("test", items)
            .size(1)
            .maxSize(6)
            .leadTime(Duration.ofMillis(20))
            .refillDelay(Duration.ofMillis(300))
            .start();
    eventually("full", () -> pool.idle() == 1);
    assertThat(pool.take()).isPresent();
    eventually("refilled", () -> pool.idle() == 1);

    long took = System.nanoTime();
    assertThat(pool.take()).isPresent();
    eventually("refilled again", () -> pool.idle() == 1);

    assertThat(pool.target()).isEqualTo(1);
    assertThat(items.started.get(items.started.size() - 1).startedNanos - took)
        .isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
  }

  @Test
  void shrinksBackToItsSizeOnceTakesStop() throws Exception {
    pool =
        PrestartedPool.builder("test", items)
            .size(2)
            .maxSize(6)
            .leadTime(Duration.ofMillis(200))
            .start();
    eventually("full", () -> pool.idle() == 2);
    takeBackToBack(6, Duration.ofMillis(10));
    assertThat(pool.target()).isGreaterThan(2);
    eventually("grown", () -> pool.idle() > 2);

    eventually("back to its size", () -> pool.idle() == 2);

    assertThat(pool.target()).isEqualTo(2);
    assertThat(items.discarded).as("extras discarded").isNotEmpty();
  }

  @Test
  void aTakeThatFindsItEmptyStartsTheNextWithoutTheRefillDelay() throws Exception {
    pool = PrestartedPool.builder("test", items).size(1).refillDelay(Duration.ofSeconds(5)).start();
    eventually("full", () -> pool.idle() == 1);
    assertThat(pool.take()).isPresent();
    int before = items.started.size();

    long empty = System.nanoTime();
    assertThat(pool.take()).isEmpty();
    eventually("a start after the empty take", () -> items.started.size() > before);

    assertThat(items.started.get(before).startedNanos - empty)
        .as("start after a take that found it empty, refill delay 5 s")
        .isLessThan(Duration.ofSeconds(2).toNanos());
  }

  @Test
  void keepsWhatItGrewThroughAPauseShorterThanItsLeadTime() throws Exception {
    pool = backToBackPool(2, 6);
    eventually("full", () -> pool.idle() == 2);
    takeBackToBack(9, Duration.ofMillis(20));
    Item taken = pool.take().orElseThrow();
    eventually("grown to its maximum", () -> pool.idle() == 6);
    int discarded = items.discarded.size();

    // A pause of a few intervals, and a taken item's end wakes the pool meanwhile.
    Thread.sleep(300);
    taken.die();
    Thread.sleep(100);

    assertThat(items.discarded).as("discarded during the pause").hasSize(discarded);
    assertThat(pool.idle()).isEqualTo(6);
  }

  @Test
  void concurrentTakersNeverGetTheSameItem() throws Exception {
    pool = PrestartedPool.builder("test", items).size(4).start();
    eventually("full", () -> pool.idle() == 4);
    Set<Item> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger twice = new AtomicInteger();
    ExecutorService takers = Executors.newFixedThreadPool(8);
    try {
      long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        done.add(
            takers.submit(
                () -> {
                  while (System.nanoTime() < until) {
                    pool.take()
                        .ifPresent(
                            item -> {
                              if (!seen.add(item)) {
                                twice.incrementAndGet();
                              }
                            });
                  }
                }));
      }
      for (Future<?> taker : done) {
        taker.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      takers.shutdownNow();
    }

    assertThat(seen.size()).as("items handed out").isGreaterThan(4);
    assertThat(twice).as("items handed out twice").hasValue(0);
    assertThat(items.discarded)
        .as("items discarded after they were handed out")
        .noneMatch(seen::contains);
  }

  @Test
  void backsOffAfterFailuresInARowDoublingUpToTheLongestPause() throws Exception {
    items.failing.set(true);
    pool =
        PrestartedPool.builder("test", items)
            .size(1)
            .backOff(Duration.ofMillis(100), Duration.ofMillis(400))
            .start();

    eventually("five attempts", () -> items.attempts.size() >= 5);
    List<Long> attempts = List.copyOf(items.attempts);

    List<Long> pauses = new ArrayList<>();
    for (int i = 1; i < 5; i++) {
      pauses.add(TimeUnit.NANOSECONDS.toMillis(attempts.get(i) - attempts.get(i - 1)));
    }
    assertThat(pauses.get(0)).as("first pause").isGreaterThanOrEqualTo(100);
    assertThat(pauses.get(1)).as("second pause").isGreaterThanOrEqualTo(200);
    assertThat(pauses.get(2)).as("third pause, at the longest").isGreaterThanOrEqualTo(400);
    assertThat(pauses.get(3)).as("fourth pause, still the longest").isBetween(400L, 2000L);

    items.failing.set(false);
    eventually("started once the starts work again", () -> pool.idle() == 1);
  }

  @Test
  void anItemThatDiesWhileWaitingIsReplacedAndNeverHandedOut() throws Exception {
    pool =
        PrestartedPool.builder("test", items)
            .size(1)
            .backOff(Duration.ofMillis(50), Duration.ofMillis(50))
            .start();
    eventually("full", () -> pool.idle() == 1);
    Item first = items.started.get(0);

    first.die();

    eventually("replaced", () -> items.started.size() == 2 && pool.idle() == 1);
    assertThat(items.discarded).containsExactly(first);
    assertThat(pool.take()).hasValueSatisfying(item -> assertThat(item).isNotSameAs(first));
  }

  @Test
  void aDeadItemFoundAtTakeIsDiscardedNotHandedOut() throws Exception {
    items.endings = false;
    pool = PrestartedPool.builder("test", items).size(1).start();
    eventually("full", () -> pool.idle() == 1);
    Item first = items.started.get(0);

    first.die();

    assertThat(pool.take()).isEmpty();
    assertThat(items.discarded).containsExactly(first);
  }

  @Test
  void anItemPastItsMaximumAgeIsReplacedAndNeverHandedOut() throws Exception {
    pool = PrestartedPool.builder("test", items).size(1).maxAge(Duration.ofMillis(200)).start();
    eventually("full", () -> pool.idle() == 1);
    Item first = items.started.get(0);

    eventually("the first item aged out", () -> items.discarded.contains(first));

    eventually("replaced", () -> pool.idle() == 1);
    Optional<Item> taken = pool.take();
    assertThat(taken).hasValueSatisfying(item -> assertThat(item).isNotSameAs(first));
    assertThat(first.alive.get()).as("discarded, so ended").isFalse();
  }

  @Test
  void closeDiscardsTheWaitingItemsAndStopsStarting() throws Exception {
    pool = PrestartedPool.builder("test", items).size(2).start();
    eventually("full", () -> pool.idle() == 2);

    pool.close();

    assertThat(items.discarded).containsExactlyInAnyOrderElementsOf(items.started);
    assertThat(pool.take()).isEmpty();
    Thread.sleep(100);
    assertThat(items.started).hasSize(2);
  }

  @Test
  void closeWhileAStartIsUnderWayDiscardsWhatThatStartGives() throws Exception {
    items.gate = new CountDownLatch(1);
    pool = PrestartedPool.builder("test", items).size(1).start();
    eventually("a start under way", () -> items.attempts.size() == 1);
    CompletableFuture<Void> closed = CompletableFuture.runAsync(pool::close);
    Thread.sleep(100);

    items.gate.countDown();

    closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(items.started).hasSize(1);
    assertThat(items.discarded).containsExactlyElementsOf(items.started);
    assertThat(pool.idle()).isZero();
  }

  @Test
  void closeDuringABackOffReturnsWithoutWaitingItOut() throws Exception {
    items.failing.set(true);
    pool =
        PrestartedPool.builder("test", items)
            .size(1)
            .backOff(Duration.ofSeconds(30), Duration.ofSeconds(30))
            .start();
    eventually("a failed start", () -> items.attempts.size() == 1);
    Thread.sleep(50);

    long started = System.nanoTime();
    pool.close();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(items.attempts).hasSize(1);
  }

  /** A pool whose lead time (1 s) is far longer than the takes' intervals, refill delay 5 s. */
  private PrestartedPool<Item> backToBackPool(int size, int maxSize) {
    return PrestartedPool.builder("test", items)
        .size(size)
        .maxSize(maxSize)
        .leadTime(Duration.ofSeconds(1))
        .refillDelay(Duration.ofSeconds(5))
        .start();
  }

  private void takeBackToBack(int takes, Duration apart) throws InterruptedException {
    for (int i = 0; i < takes; i++) {
      pool.take();
      Thread.sleep(apart.toMillis());
    }
  }

  private static void eventually(String what, BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + WAIT + ": " + what);
      }
      Thread.sleep(5);
    }
  }

  /** What the pool holds here: alive until it dies or is discarded. */
  private static final class Item {
    final long startedNanos = System.nanoTime();
    final AtomicBoolean alive = new AtomicBoolean(true);
    final CompletableFuture<Void> ended = new CompletableFuture<>();

    void die() {
      alive.set(false);
      ended.complete(null);
    }
  }

  private static final class Items implements PrestartedPool.Items<Item> {
    final List<Item> started = new CopyOnWriteArrayList<>();
    final List<Item> discarded = new CopyOnWriteArrayList<>();
    final List<Long> attempts = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean failing = new AtomicBoolean();
    volatile CountDownLatch gate = new CountDownLatch(0);

    /**
     * Whether the pool hears of an item's end (a process's exit); without, it finds out at take.
     */
    volatile boolean endings = true;

    @Override
    public Item start() throws IOException {
      attempts.add(System.nanoTime());
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      if (failing.get()) {
        throw new IOException("this start fails (test)");
      }
      Item item = new Item();
      started.add(item);
      return item;
    }

    @Override
    public boolean alive(Item item) {
      return item.alive.get();
    }

    @Override
    public CompletableFuture<Void> ended(Item item) {
      return endings ? item.ended : new CompletableFuture<>();
    }

    @Override
    public void discard(Item item) {
      discarded.add(item);
      item.die();
    }
  }
}
