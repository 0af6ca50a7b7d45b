package dev.livecode.examples;

import dev.livecode.core.Execution;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.spi.LanguageRunner;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adds a compiled language, C with gcc, to an engine by registering a runner in code (no jar, no
 * services file), and runs a good program and one that does not compile. The runner declares a
 * compile step with its own time limit; the engine runs it in the same sandbox and turns a non-zero
 * exit into FAILED / COMPILE_ERROR with the compiler's output as stderr.
 */
public final class CompiledLanguageMain {
  private CompiledLanguageMain() {}

  public static void main(String[] args) {
    run(System.out);
  }

  static void run(PrintStream out) {
    try (LivecodeEngine engine =
        Livecode.builder().discoverRunners(false).runner(new GccRunner()).build()) {
      print(
          out,
          runAndWait(
              engine,
              "#include <stdio.h>\nint main(void) {\n  printf(\"%d\\n\", 6 * 7);\n  return 0;\n}\n"));
      print(out, runAndWait(engine, "int main(void) {\n  return missing;\n}\n"));
    }
  }

  static Execution.Result runAndWait(LivecodeEngine engine, String source) {
    Session session = engine.createSession("c", source);
    Execution queued = engine.run(RunRequest.of(session.id()));
    return engine
        .awaitExecution(queued.id(), Duration.ofSeconds(60))
        .result()
        .orElseThrow(() -> new IllegalStateException("no result within 60 s"));
  }

  private static void print(PrintStream out, Execution.Result result) {
    out.printf(
        "%s %s%n%s%s",
        result.status(),
        result.failureReason().map(Enum::name).orElse(""),
        result.stdout(),
        result.stderr());
  }

  /** C, compiled by gcc in a compile step, then run. */
  public static final class GccRunner implements LanguageRunner {
    /** The compile step's own time limit; the run gets the execution's wall-time limit. */
    static final Duration COMPILE_TIME_LIMIT = Duration.ofSeconds(20);

    @Override
    public String id() {
      return "c";
    }

    @Override
    public String displayName() {
      return "C (gcc)";
    }

    @Override
    public LanguageRunner.Probe probe(LanguageRunner.Settings settings) {
      Path gcc = settings.interpreter().orElse(Path.of("/usr/bin/gcc"));
      return Files.isExecutable(gcc)
          ? LanguageRunner.Probe.available("gcc", gcc, List.of())
          : LanguageRunner.Probe.unavailable(gcc + " not found; apt-get install gcc");
    }

    @Override
    public LanguageRunner.Program prepare(
        String sourceCode, LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
      List<String> compile =
          new ArrayList<>(
              List.of(probe.requireExecutable().toString(), "-std=c17", "-O1", "-Wall"));
      compile.addAll(settings.extraArgs());
      compile.addAll(List.of("-o", "main", "main.c", "-lm"));
      return LanguageRunner.Program.compiled(
          Map.of("main.c", sourceCode),
          LanguageRunner.Command.of(compile).withTimeLimit(COMPILE_TIME_LIMIT),
          LanguageRunner.Command.of(List.of("./main")));
    }
  }
}
