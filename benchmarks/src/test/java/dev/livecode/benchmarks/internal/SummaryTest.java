package dev.livecode.benchmarks.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SummaryTest {

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
    Summary s = Summary.of(new double[] {4, 1, 3, 2});

    assertThat(s.p50()).isEqualTo(2.5);
    assertThat(s.n()).isEqualTo(4);
    assertThat(s.min()).isEqualTo(1);
    assertThat(s.max()).isEqualTo(4);
    assertThat(s.mean()).isEqualTo(2.5);
  }

  @Test
  void medianOfAnOddCountIsTheMiddleValue() {
    assertThat(Summary.of(new double[] {9, 1, 5}).p50()).isEqualTo(5);
  }

  @Test
  void highPercentilesInterpolateBetweenTheClosestRanks() {
    double[] values = new double[101];
    for (int i = 0; i <= 100; i++) {
      values[i] = 100 - i; // 0..100, reversed
    }
    Summary s = Summary.of(values);

    assertThat(s.p95()).isEqualTo(95);
    assertThat(s.p99()).isEqualTo(99);
    assertThat(Summary.percentile(new double[] {10, 20}, 95)).isCloseTo(19.5, within(1e-9));
  }

  @Test
  void aSingleSampleIsEveryPercentile() {
    Summary s = Summary.of(new double[] {7});

    assertThat(s.p50()).isEqualTo(7);
    assertThat(s.p99()).isEqualTo(7);
  }

  @Test
  void anEmptySampleHasNoFigures() {
    assertThat(Summary.of(new double[0])).isEqualTo(Summary.EMPTY);
    assertThat(Summary.EMPTY.p50()).isNaN();
  }

  @Test
  void leavesTheInputUnsorted() {
    double[] values = {3, 1, 2};
    Summary.of(values);

    assertThat(values).containsExactly(3, 1, 2);
  }

  @Test
  void convertsNanosecondsToMilliseconds() {
    Summary s = Summary.ofNanosAsMillis(new long[] {1_000_000, 3_000_000, 99}, 2);

    assertThat(s.n()).isEqualTo(2);
    assertThat(s.p50()).isEqualTo(2.0);
  }

  @Test
  void rejectsAPercentileOutsideZeroToHundred() {
    assertThatThrownBy(() -> Summary.percentile(new double[] {1}, 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("101");
    assertThatThrownBy(() -> Summary.percentile(new double[0], 50))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
