package dev.livecode.benchmarks;

import dev.livecode.benchmarks.internal.Machine;
import dev.livecode.benchmarks.internal.Options;
import dev.livecode.benchmarks.internal.ResultTable;
import dev.livecode.benchmarks.internal.Spawner;
import dev.livecode.benchmarks.internal.Suite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Starts the livecode server as a child JVM, measures it over HTTP beside baselines measured in the
 * same run, prints one table and writes it as JSON. See {@code docs/benchmarks.md}:
 *
 * <pre>
 * mvn -q -B -ntp -pl server,benchmarks -am package -DskipTests
 * java -jar benchmarks/target/livecode-benchmarks.jar [--mode embedded|redis-mysql|all] [--quick]
 * </pre>
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (Options.HelpRequested e) {
      System.out.print(Options.USAGE);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (!Files.isRegularFile(options.serverJar())) {
      System.err.println(
          "no server jar at "
              + options.serverJar()
              + "; build it first:\n"
              + "  mvn -q -B -ntp -pl server,benchmarks -am package -DskipTests\n"
              + "or pass --server-jar PATH");
      System.exit(2);
      return;
    }
    ResultTable table = new ResultTable();
    Path cwd = Path.of("").toAbsolutePath();
    Path root = Options.findRepositoryRoot(cwd).orElse(cwd);
    table.meta("started_at", Instant.now().toString());
    table.meta("machine", Machine.describe(root));
    table.meta("command", "java -jar livecode-benchmarks.jar " + String.join(" ", args));
    table.meta(
        "options",
        options
            .toString()
            .replaceAll("mysqlPassword=[^,]*", "mysqlPassword=****")
            .replaceAll("(://[^:/@]*:)[^@/]*@", "$1****@"));
    Spawner spawner = Spawner.detect();
    table.meta("python", spawner.python().toString());
    table.meta("node", spawner.node().toString());
    try (Suite suite = new Suite(options, table, spawner)) {
      suite.run();
    }
    System.out.println();
    System.out.println(Machine.summary(table));
    System.out.print(table.render());
    table.writeJson(options.out());
    Path markdown =
        options
            .out()
            .resolveSibling(
                options.out().getFileName().toString().replaceFirst("\\.json$", "") + ".md");
    Files.writeString(markdown, Machine.summary(table) + "\n\n" + table.renderMarkdown());
    System.out.println();
    System.out.println(
        "written "
            + options.out().toAbsolutePath()
            + " and "
            + markdown.toAbsolutePath()
            + " (server logs in "
            + options.logDir().toAbsolutePath()
            + ")");
  }
}
