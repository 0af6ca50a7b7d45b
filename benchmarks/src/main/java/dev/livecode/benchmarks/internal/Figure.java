package dev.livecode.benchmarks.internal;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One side of a table row: either a single value (a rate, a size) or a distribution (p50, p95, p99
 * of {@code n} samples). {@link #headline()} is the figure that ratio and difference compare: the
 * value, or the median.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Figure(Double value, Double p50, Double p95, Double p99, Integer n) {

  public static Figure value(double value) {
    return new Figure(value, null, null, null, null);
  }

  public static Figure distribution(Summary summary) {
    return new Figure(null, summary.p50(), summary.p95(), summary.p99(), summary.n());
  }

  @JsonIgnore
  public double headline() {
    return value != null ? value : p50;
  }

  @JsonIgnore
  public boolean isDistribution() {
    return value == null;
  }

  /** As the table prints it: {@code 12.3} or {@code 12.3 / 15.0 / 19.8}. */
  public String render() {
    if (!isDistribution()) {
      return format(value);
    }
    return format(p50) + " / " + format(p95) + " / " + format(p99);
  }

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format("%.0f", v);
    }
    if (a >= 10) {
      return String.format("%.1f", v);
    }
    return String.format("%.2f", v);
  }
}
