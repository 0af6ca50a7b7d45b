package dev.livecode.benchmarks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ResultTableTest {

  private static Row latencyRow() {
    return Row.compared(
        "embedded latency",
        "python print(1): POST run -> COMPLETED",
        "ms",
        Figure.distribution(Summary.of(new double[] {14, 15, 16})),
        "bare bwrap spawn",
        Figure.distribution(Summary.of(new double[] {11, 12, 13})));
  }

  @Test
  void comparesTheMediansAsRatioAndDifference() {
    Row row = latencyRow();

    assertThat(row.ratio()).hasValueSatisfying(r -> assertThat(r).isEqualTo(15.0 / 12.0));
    assertThat(row.diff()).contains(3.0);
  }

  @Test
  void comparesRatesByTheirValue() {
    Row row = Row.compared("t", "runs/s", "runs/s", Figure.value(90), "bare", Figure.value(120));

    assertThat(row.ratio()).contains(0.75);
    assertThat(row.diff()).contains(-30.0);
  }

  @Test
  void aRowWithoutBaselineHasNoRatio() {
    Row row = Row.of("embedded memory", "RSS idle", "MiB", Figure.value(80));

    assertThat(row.ratio()).isEmpty();
    assertThat(row.diff()).isEmpty();
  }

  @Test
  void rendersOneAlignedLinePerRowWithRatioAndSignedDifference() {
    ResultTable table = new ResultTable();
    table.add(latencyRow().withNote("target met"));
    table.add(Row.of("embedded memory", "RSS idle", "MiB", Figure.value(81.25)));

    String text = table.render();

    assertThat(text)
        .contains("15.0 / 15.9 / 16.0")
        .contains("12.0 / 12.9 / 13.0")
        .contains("1.25x")
        .contains("+3.00")
        .contains("target met");
    assertThat(text).contains("81.3");
    String[] lines = text.split("\n");
    assertThat(lines[0]).startsWith("section");
    // header, separator, row, separator (new section), row
    assertThat(lines).hasSize(5);
    assertThat(lines[2].indexOf(" | ")).isEqualTo(lines[0].indexOf(" | "));
  }

  @Test
  void writesJsonWithSnakeCaseFieldsAndWithoutAnAbsentBaseline() throws Exception {
    ResultTable table = new ResultTable();
    table.meta("machine", java.util.Map.of("cpus", 2));
    table.add(latencyRow());
    table.add(Row.of("embedded memory", "RSS idle", "MiB", Figure.value(80)));

    JsonNode json = new ObjectMapper().readTree(table.toJson());

    assertThat(json.at("/metadata/machine/cpus").asInt()).isEqualTo(2);
    JsonNode first = json.at("/rows/0");
    assertThat(first.at("/baseline_name").asText()).isEqualTo("bare bwrap spawn");
    assertThat(first.at("/livecode/p50").asDouble()).isEqualTo(15.0);
    assertThat(first.at("/livecode/n").asInt()).isEqualTo(3);
    assertThat(first.at("/diff").asDouble()).isEqualTo(3.0);
    JsonNode second = json.at("/rows/1");
    assertThat(second.at("/livecode/value").asDouble()).isEqualTo(80.0);
    assertThat(second.has("baseline")).isFalse();
    assertThat(second.has("ratio")).isFalse();
  }

  @Test
  void rendersMarkdownWithOneTableLinePerRow() {
    ResultTable table = new ResultTable();
    table.add(latencyRow());

    String[] lines = table.renderMarkdown().split("\n");

    assertThat(lines).hasSize(3);
    assertThat(lines[2]).startsWith("| embedded latency | python print(1)").contains("| 1.25x |");
  }

  @Test
  void formatsSmallAndLargeFiguresReadably() {
    assertThat(Figure.format(7.123)).isEqualTo("7.12");
    assertThat(Figure.format(14.26)).isEqualTo("14.3");
    assertThat(Figure.format(21034.6)).isEqualTo("21035");
    assertThat(Figure.format(Double.NaN)).isEqualTo("-");
  }
}
