package dev.livecode.runner.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimedOutSourcesTest {

  @Test
  void remembersTheLongestLimitASourceRanOutOf() {
    TimedOutSources sources = new TimedOutSources();

    sources.remember("x = async (", Duration.ofSeconds(2));
    sources.remember("x = async (", Duration.ofSeconds(5));
    sources.remember("x = async (", Duration.ofSeconds(1));

    assertThat(sources.find("x = async (")).hasValue(Duration.ofSeconds(5));
  }

  @Test
  void knowsNothingOfOtherSources() {
    TimedOutSources sources = new TimedOutSources();

    sources.remember("x = async (", Duration.ofSeconds(2));

    assertThat(sources.find("x = async ( ")).isEmpty();
  }

  @Test
  void forgetsTheLeastRecentlySeenBeyondItsSize() {
    TimedOutSources sources = new TimedOutSources();
    for (int i = 0; i <= TimedOutSources.MAX_ENTRIES; i++) {
      sources.remember("source " + i, Duration.ofSeconds(1));
      sources.find("source 0"); // keep the first one in use
    }

    assertThat(sources.size()).isEqualTo(TimedOutSources.MAX_ENTRIES);
    assertThat(sources.find("source 0")).isPresent();
    assertThat(sources.find("source 1")).isEmpty();
  }
}
