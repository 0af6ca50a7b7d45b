package dev.livecode.benchmarks.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The rows of one benchmark run, rendered as a text table and as JSON. Thread-safe. */
public final class ResultTable {
  private static final String[] HEADER = {
    "section",
    "measurement",
    "unit",
    "livecode (p50 / p95 / p99)",
    "baseline",
    "baseline (p50 / p95 / p99)",
    "ratio",
    "diff",
    "note"
  };

  private final List<Row> rows = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Object> metadata = Collections.synchronizedMap(new LinkedHashMap<>());

  public void add(Row row) {
    rows.add(Objects.requireNonNull(row, "row"));
  }

  public void meta(String key, Object value) {
    metadata.put(key, value);
  }

  public Map<String, Object> metadata() {
    synchronized (metadata) {
      return new LinkedHashMap<>(metadata);
    }
  }

  public List<Row> rows() {
    synchronized (rows) {
      return List.copyOf(rows);
    }
  }

  /** The table as printed: one line per row, columns padded, sections in the order they came. */
  public String render() {
    List<String[]> lines = new ArrayList<>();
    lines.add(HEADER);
    lines.addAll(cells());
    int[] widths = new int[HEADER.length];
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    String previousSection = null;
    for (int l = 0; l < lines.size(); l++) {
      String[] line = lines.get(l);
      if (l == 1 || (l > 1 && !line[0].equals(previousSection))) {
        out.append(separator(widths)).append('\n');
      }
      previousSection = line[0];
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < line.length; i++) {
        if (i > 0) {
          text.append(" | ");
        }
        text.append(pad(line[i], widths[i], i == 3 || i == 5 || i == 6 || i == 7));
      }
      out.append(text.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  /** The table as Markdown, for docs/benchmarks.md. */
  public String renderMarkdown() {
    StringBuilder out = new StringBuilder();
    out.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
    out.append("|---|---|---|---:|---|---:|---:|---:|---|\n");
    for (String[] line : cells()) {
      out.append("| ");
      for (int i = 0; i < line.length; i++) {
        if (i > 0) {
          out.append(" | ");
        }
        out.append(line[i].replace("|", "\\|"));
      }
      out.append(" |\n");
    }
    return out.toString();
  }

  private List<String[]> cells() {
    List<String[]> lines = new ArrayList<>();
    for (Row row : rows()) {
      lines.add(
          new String[] {
            row.section(),
            row.name(),
            row.unit(),
            row.livecode().render(),
            row.baselineName().orElse(""),
            row.baseline().map(Figure::render).orElse(""),
            row.ratio().map(r -> String.format("%.2fx", r)).orElse(""),
            row.diff().map(d -> (d >= 0 ? "+" : "") + Figure.format(d)).orElse(""),
            row.note().orElse("")
          });
    }
    return lines;
  }

  /** The table and the run's metadata as JSON: {@code {"metadata": {...}, "rows": [...]}}. */
  public String toJson() {
    Map<String, Object> document = new LinkedHashMap<>();
    synchronized (metadata) {
      document.put("metadata", new LinkedHashMap<>(metadata));
    }
    document.put("rows", rows());
    try {
      return mapper().writeValueAsString(document);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the results as JSON", e);
    }
  }

  public void writeJson(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, toJson() + "\n");
  }

  static ObjectMapper mapper() {
    return new ObjectMapper()
        .registerModule(new Jdk8Module())
        .enable(SerializationFeature.INDENT_OUTPUT)
        .setPropertyNamingStrategy(
            com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);
  }

  private static String separator(int[] widths) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      if (i > 0) {
        s.append("-+-");
      }
      s.append("-".repeat(widths[i]));
    }
    return s.toString();
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(width - s.length());
    return right ? fill + s : s + fill;
  }
}
