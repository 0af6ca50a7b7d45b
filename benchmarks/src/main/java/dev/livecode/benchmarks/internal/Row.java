package dev.livecode.benchmarks.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the result table: what livecode reached, and the baseline measured beside it in the
 * same run (absent where there is none, such as memory).
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record Row(
    String section,
    String name,
    String unit,
    Figure livecode,
    Optional<String> baselineName,
    Optional<Figure> baseline,
    Optional<String> note) {

  public Row {
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(livecode, "livecode");
    Objects.requireNonNull(baselineName, "baselineName");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(note, "note");
  }

  public static Row of(String section, String name, String unit, Figure livecode) {
    return new Row(
        section, name, unit, livecode, Optional.empty(), Optional.empty(), Optional.empty());
  }

  public static Row compared(
      String section,
      String name,
      String unit,
      Figure livecode,
      String baselineName,
      Figure baseline) {
    return new Row(
        section,
        name,
        unit,
        livecode,
        Optional.of(baselineName),
        Optional.of(baseline),
        Optional.empty());
  }

  public Row withNote(String text) {
    String joined = note.map(n -> n + "; " + text).orElse(text);
    return new Row(section, name, unit, livecode, baselineName, baseline, Optional.of(joined));
  }

  /**
   * livecode's headline figure divided by the baseline's (latency: slowdown; rate: share of the
   * baseline).
   */
  @JsonProperty("ratio")
  public Optional<Double> ratio() {
    return baseline.map(b -> livecode.headline() / b.headline()).filter(Double::isFinite);
  }

  /** livecode's headline figure minus the baseline's, in {@link #unit()}. */
  @JsonProperty("diff")
  public Optional<Double> diff() {
    return baseline.map(b -> livecode.headline() - b.headline()).filter(Double::isFinite);
  }
}
