package dev.livecode.benchmarks.internal;

import java.util.Arrays;

/**
 * The distribution of a sample: count, mean and the percentiles the table shows.
 *
 * <p>Percentiles use linear interpolation between closest ranks (the "R-7" definition, as numpy and
 * most spreadsheets do): the median of an even count is the mean of the two middle values.
 */
public record Summary(
    int n, double min, double p50, double p95, double p99, double max, double mean) {

  public static final Summary EMPTY =
      new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  /** Summarizes {@code values} (not modified); an empty array gives {@link #EMPTY}. */
  public static Summary of(double[] values) {
    if (values.length == 0) {
      return EMPTY;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (double v : sorted) {
      sum += v;
    }
    return new Summary(
        sorted.length,
        sorted[0],
        percentile(sorted, 50),
        percentile(sorted, 95),
        percentile(sorted, 99),
        sorted[sorted.length - 1],
        sum / sorted.length);
  }

  /** Summarizes a sample given in nanoseconds, in milliseconds. */
  public static Summary ofNanosAsMillis(long[] nanos, int count) {
    double[] ms = new double[count];
    for (int i = 0; i < count; i++) {
      ms[i] = nanos[i] / 1e6;
    }
    return of(ms);
  }

  /**
   * The {@code p}-th percentile (0..100) of an ascending array, interpolated linearly between the
   * two closest ranks.
   *
   * @throws IllegalArgumentException if the array is empty or p is outside 0..100
   */
  public static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("percentile of an empty sample");
    }
    if (!(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be within 0..100, was " + p);
    }
    double rank = p / 100.0 * (sorted.length - 1);
    int lower = (int) Math.floor(rank);
    int upper = (int) Math.ceil(rank);
    double fraction = rank - lower;
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
  }
}
