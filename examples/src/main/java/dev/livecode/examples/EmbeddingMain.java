package dev.livecode.examples;

import dev.livecode.core.Execution;
import dev.livecode.core.LanguageInfo;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Embeds livecode with no server and no services: the in-memory store and queue, the runners found
 * on the class path (Python and JavaScript here), and the strongest sandbox the host has. It runs a
 * Python and a JavaScript snippet and prints how they ended.
 *
 * <pre>
 * mvn -q -B -ntp -pl examples -am test-compile exec:java -Dexec.mainClass=dev.livecode.examples.EmbeddingMain
 * </pre>
 */
public final class EmbeddingMain {
  private EmbeddingMain() {}

  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the two snippets and prints to {@code out}; returns true when both completed. */
  static boolean run(PrintStream out) {
    // 1. Build an engine: in-memory defaults, runners discovered from the class path.
    try (LivecodeEngine engine = Livecode.builder().build()) {
      for (LanguageInfo language : engine.languages()) {
        out.printf(
            "language %-10s %-8s available=%s%n",
            language.id(), language.version(), language.available());
      }
      // 2. Create a session per program (an editor would autosave into it), 3. run and await.
      boolean python =
          runAndPrint(
              engine,
              out,
              "python",
              """
          import sys
          name = sys.stdin.readline().strip()
          print(f"hello, {name}, from Python {sys.version_info.major}.{sys.version_info.minor}")
          """,
              "livecode\n");
      boolean javascript =
          runAndPrint(
              engine,
              out,
              "javascript",
              """
          const squares = [1, 2, 3].map((n) => n * n);
          console.log(`squares from node ${process.versions.node}: ${squares.join(' ')}`);
          """,
              "");
      return python && javascript;
    }
  }

  private static boolean runAndPrint(
      LivecodeEngine engine, PrintStream out, String language, String source, String stdin) {
    Session session = engine.createSession(language, source);
    Execution queued = engine.run(RunRequest.of(session.id()).withStdin(stdin));
    Execution done = engine.awaitExecution(queued.id(), Duration.ofSeconds(30));
    Execution.Result result =
        done.result().orElseThrow(() -> new IllegalStateException("no result within 30 s"));
    out.printf("%s: %s in %d ms%n", language, result.status(), result.executionTime().toMillis());
    out.print(indent(result.stdout()));
    if (!result.stderr().isEmpty()) {
      out.print(indent("stderr: " + result.stderr()));
    }
    return result.status() == dev.livecode.core.Execution.Status.COMPLETED;
  }

  private static String indent(String text) {
    return text.lines().map(line -> "  " + line + "\n").reduce("", String::concat);
  }
}
