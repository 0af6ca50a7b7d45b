package dev.livecode.runner.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TranspileCacheTest {

  @Test
  void returnsTheOutcomeOfAnEarlierTranspile() {
    TranspileCache cache = new TranspileCache();
    WarmTranspiler.Outcome outcome = WarmTranspiler.Outcome.javascript("let a = 1;\n");

    cache.put("let a: number = 1;\n", outcome);

    assertThat(cache.find("let a: number = 1;\n")).containsSame(outcome);
    assertThat(cache.find("let a: number = 2;\n")).isEmpty();
  }

  @Test
  void doesNotKeepTimeouts() {
    TranspileCache cache = new TranspileCache();

    cache.put(
        "x",
        new WarmTranspiler.Outcome(
            WarmTranspiler.Kind.TIMED_OUT, "did not finish", Duration.ofSeconds(5)));

    assertThat(cache.find("x")).isEmpty();
  }

  @Test
  void dropsTheLeastRecentlyUsedBeyondItsSize() {
    TranspileCache cache = new TranspileCache();
    for (int i = 0; i <= TranspileCache.MAX_ENTRIES; i++) {
      cache.put("source " + i, WarmTranspiler.Outcome.javascript("js " + i));
      cache.find("source 0"); // keep the first one in use
    }

    assertThat(cache.size()).isEqualTo(TranspileCache.MAX_ENTRIES);
    assertThat(cache.find("source 0")).isPresent();
    assertThat(cache.find("source 1")).isEmpty();
  }

  @Test
  void boundsTheCharactersItHolds() {
    TranspileCache cache = new TranspileCache();
    String big = "x".repeat((int) (TranspileCache.MAX_CHARS / 8));
    for (int i = 0; i < 20; i++) {
      cache.put(i + big, WarmTranspiler.Outcome.javascript(big));
    }

    assertThat(cache.size()).isLessThanOrEqualTo(4);
  }
}
