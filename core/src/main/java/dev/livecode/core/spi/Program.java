package dev.livecode.core.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One program laid out for a run.
 *
 * @param files files to write into the workspace, by relative path (UTF-8 text)
 * @param compile a compile step; a non-zero exit ends the run FAILED with COMPILE_ERROR and the
 *     step's output as stderr
 * @param run the command that runs the program
 * @param compileError diagnostics of a compile the runner did itself; when present nothing runs
 * @param timedOut the runner's own compile ran out of the run's time limit ({@link #outOfTime}):
 *     the run ends TIMEOUT with {@code compileError} as stderr (since 0.3)
 */
public record Program(Map<String, String> files, Optional<Command> compile, Optional<Command> run, Optional<String> compileError,
    boolean timedOut) {
  public Program {
    files = Map.copyOf(files);
    Objects.requireNonNull(compile, "compile");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(compileError, "compileError");
    if (run.isEmpty() == compileError.isEmpty()) {
      throw new IllegalArgumentException("a program has a run command or a compile error, exactly one");
    }
    if (timedOut && compileError.isEmpty()) {
      throw new IllegalArgumentException("a program that timed out says why in its compile error");
    }
    files.keySet().forEach(Program::checkRelative);
  }

  /** A program that did not time out in the runner: the constructor of 0.1 and 0.2. */
  public Program(Map<String, String> files, Optional<Command> compile, Optional<Command> run, Optional<String> compileError) {
    this(files, compile, run, compileError, false);
  }

  /** An interpreted program: its files and the command that runs them. */
  public static Program interpreted(Map<String, String> files, Command run) {
    return new Program(files, Optional.empty(), Optional.of(run), Optional.empty());
  }

  /** A compiled program: compile, then run. */
  public static Program compiled(Map<String, String> files, Command compile, Command run) {
    return new Program(files, Optional.of(compile), Optional.of(run), Optional.empty());
  }

  /** The runner compiled the source itself and it did not compile. */
  public static Program compileError(String diagnostics) {
    return new Program(Map.of(), Optional.empty(), Optional.empty(), Optional.of(diagnostics), false);
  }

  /**
   * The runner's own compile (a transpile in a helper process) did not finish within the time
   * limit it was given by {@link LanguageRunner#prepare(String, RunnerProbe, RunnerSettings, java.time.Duration)}:
   * the run ends TIMEOUT, as a program that runs out of its wall time does, with
   * {@code diagnostics} and the engine's timeout line as stderr.
   *
   * @since 0.3
   */
  public static Program outOfTime(String diagnostics) {
    return new Program(Map.of(), Optional.empty(), Optional.empty(), Optional.of(diagnostics), true);
  }

  private static void checkRelative(String name) {
    if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.contains("\0")) {
      throw new IllegalArgumentException("program file names are plain relative paths: " + name);
    }
  }
}
