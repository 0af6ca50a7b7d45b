package dev.livecode.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's server flag tables are the operator's reference; {@link Options} is what the server
 * parses and what --help prints. Each test names exactly the flags on which the two disagree.
 */
class ReadmeServerFlagsTest {
  private static final Path README =
      Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize();
  private static final String SECTION = "### The server";
  private static final Pattern CELL_SEPARATOR = Pattern.compile("(?<!\\\\)\\|");

  /** One row of the README's tables. */
  private record Row(String flag, String env, String defaultValue, Options.Group group) {}

  @Test
  void readmeListsEveryServerFlag() throws IOException {
    Set<String> missing = new TreeSet<>();
    Map<String, Row> rows = readmeRows();
    for (Options.Option option : Options.ALL) {
      if (!rows.containsKey(option.name())) {
        missing.add(
            "--"
                + option.name()
                + " ("
                + option.env()
                + ", "
                + group(option.group())
                + ", default '"
                + option.defaultValue()
                + "')");
      }
    }

    assertThat(missing)
        .as("server flags missing from README.md's tables under \"%s\"", SECTION)
        .isEmpty();
  }

  @Test
  void readmeListsOnlyFlagsTheServerHas() throws IOException {
    Set<String> unknown = new TreeSet<>();
    for (String flag : readmeRows().keySet()) {
      if (Options.ALL.stream().noneMatch(o -> o.name().equals(flag))) {
        unknown.add("--" + flag);
      }
    }

    assertThat(unknown)
        .as(
            "README.md's tables under \"%s\" list flags the server does not have (Options.ALL)",
            SECTION)
        .isEmpty();
  }

  @Test
  void readmeGivesEachFlagItsEnvironmentVariable() throws IOException {
    List<String> wrong = new ArrayList<>();
    Map<String, Row> rows = readmeRows();
    for (Options.Option option : Options.ALL) {
      Row row = rows.get(option.name());
      if (row != null && !row.env().equals(option.env())) {
        wrong.add(
            "--"
                + option.name()
                + ": README says "
                + row.env()
                + ", the server reads "
                + option.env());
      }
    }

    assertThat(wrong)
        .as("environment variables in README.md that differ from the server's")
        .isEmpty();
  }

  @Test
  void readmeGivesEachFlagItsDefault() throws IOException {
    List<String> wrong = new ArrayList<>();
    Map<String, Row> rows = readmeRows();
    for (Options.Option option : Options.ALL) {
      Row row = rows.get(option.name());
      if (row != null && !sameDefault(row.defaultValue(), option.defaultValue())) {
        wrong.add(
            "--"
                + option.name()
                + ": README says '"
                + row.defaultValue()
                + "', the server's default is '"
                + option.defaultValue()
                + "'");
      }
    }

    assertThat(wrong)
        .as("defaults in README.md that differ from the server's (Options.ALL)")
        .isEmpty();
  }

  @Test
  void readmeGroupsEachFlagAsHelpDoes() throws IOException {
    List<String> wrong = new ArrayList<>();
    Map<String, Row> rows = readmeRows();
    for (Options.Option option : Options.ALL) {
      Row row = rows.get(option.name());
      if (row != null && row.group() != option.group()) {
        wrong.add(
            "--"
                + option.name()
                + ": README has it under "
                + group(row.group())
                + ", --help under "
                + group(option.group()));
      }
    }

    assertThat(wrong).as("flags README.md groups differently from --help").isEmpty();
  }

  /**
   * The README writes a default for people: no default as "—" or "empty", backticks around paths,
   * and a computed value (the number of cores) in words. Literal values must be equal; a
   * description matches when one text holds the other as whole words ("number of cores" and "cores
   * (8)", whose parenthesis is this machine's value).
   */
  private static boolean sameDefault(String readme, String server) {
    String a = normalized(readme);
    String b = normalized(server);
    if (a.equals(b)) {
      return true;
    }
    if (a.isEmpty() || b.isEmpty()) {
      return false;
    }
    return containsPhrase(a, b) || containsPhrase(b, a);
  }

  private static boolean containsPhrase(String text, String phrase) {
    return Pattern.compile("(?<![\\w.])" + Pattern.quote(phrase) + "(?![\\w.])")
        .matcher(text)
        .find();
  }

  private static String normalized(String value) {
    String text =
        value
            .replace("`", "")
            .replaceAll("\\s*\\([^)]*\\)", "")
            .replaceAll("\\s+", " ")
            .trim()
            .toLowerCase(Locale.ROOT);
    text = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    return Set.of("—", "-", "empty", "none").contains(text) ? "" : text;
  }

  private static String group(Options.Group group) {
    String name = group.name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /**
   * Flag (without --) to its row, from the tables under {@link #SECTION} up to the next heading.
   */
  private static Map<String, Row> readmeRows() throws IOException {
    assertThat(README).as("the README, looked up from the module's folder").exists();
    List<String> lines = Files.readAllLines(README);
    int start = 0;
    while (start < lines.size() && !lines.get(start).startsWith(SECTION)) {
      start++;
    }
    assertThat(start)
        .as("README.md has no heading starting \"%s\"", SECTION)
        .isLessThan(lines.size());
    Map<String, Row> rows = new LinkedHashMap<>();
    Options.Group group = null;
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("#")) {
        break;
      }
      for (Options.Group g : Options.Group.values()) {
        if (line.trim().equals("**" + group(g) + "**")) {
          group = g;
        }
      }
      if (!line.startsWith("| `--")) {
        continue;
      }
      String[] cells = CELL_SEPARATOR.split(line, -1);
      assertThat(cells)
          .as("README row with flag, variable, meaning, unit and default: %s", line)
          .hasSizeGreaterThan(5);
      String flag = cells[1].trim().replace("`", "").replaceFirst("^--", "");
      assertThat(group)
          .as("README row before any **Essential**/**Common**/**Rare** heading: %s", line)
          .isNotNull();
      Row previous =
          rows.put(flag, new Row(flag, cells[2].trim().replace("`", ""), cells[5].trim(), group));
      assertThat(previous).as("README lists --%s twice", flag).isNull();
    }
    assertThat(rows).as("no flag rows found in README.md under \"%s\"", SECTION).isNotEmpty();
    return rows;
  }
}
