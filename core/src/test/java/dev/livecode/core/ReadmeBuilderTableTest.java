package dev.livecode.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's builder table is the embedder's reference: it must name every setting {@link
 * LivecodeBuilder} has, and nothing it has not, or it drifts as settings are added.
 */
class ReadmeBuilderTableTest {
  private static final Path README =
      Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize();
  private static final String SECTION = "### Embedding (`Livecode.builder()`)";

  /**
   * {@code name(} inside backticks: a row's first cell may name several, as `a(int)` / `b(int)`.
   */
  private static final Pattern METHOD = Pattern.compile("`([a-z][A-Za-z0-9]*)\\(");

  @Test
  void readmeBuilderTableListsEveryBuilderMethod() throws IOException {
    Set<String> missing = new TreeSet<>(builderMethods());
    missing.removeAll(readmeMethods());

    assertThat(missing)
        .as(
            "LivecodeBuilder methods missing from README.md's builder table (under \"%s\"); add a row "
                + "for each with meaning, unit and default",
            SECTION)
        .isEmpty();
  }

  @Test
  void readmeBuilderTableNamesOnlyMethodsTheBuilderHas() throws IOException {
    Set<String> unknown = new TreeSet<>(readmeMethods());
    unknown.removeAll(builderMethods());

    assertThat(unknown)
        .as(
            "README.md's builder table (under \"%s\") names methods LivecodeBuilder does not have; "
                + "remove or rename those rows",
            SECTION)
        .isEmpty();
  }

  /** The settings: public instance methods that return the builder (build() returns the engine). */
  private static Set<String> builderMethods() {
    return Arrays.stream(LivecodeBuilder.class.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
        .filter(m -> m.getReturnType() == LivecodeBuilder.class)
        .map(Method::getName)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> readmeMethods() throws IOException {
    Set<String> names = new TreeSet<>();
    for (String row : tableRows()) {
      String firstCell = row.split("\\|", -1)[1];
      Matcher matcher = METHOD.matcher(firstCell);
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    assertThat(names).as("no builder rows found in README.md under \"%s\"", SECTION).isNotEmpty();
    return names;
  }

  /** The table rows between the section's heading and the next heading. */
  private static List<String> tableRows() throws IOException {
    assertThat(README).as("the README, looked up from the module's folder").exists();
    List<String> lines = Files.readAllLines(README);
    int start = lines.indexOf(SECTION);
    assertThat(start).as("README.md has no line \"%s\"", SECTION).isNotNegative();
    return lines.subList(start + 1, lines.size()).stream()
        .takeWhile(line -> !line.startsWith("#"))
        .filter(line -> line.startsWith("| `"))
        .toList();
  }
}
