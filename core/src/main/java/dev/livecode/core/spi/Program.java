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
 */
public record Program(Map<String, String> files, Optional<Command> compile, Optional<Command> run, Optional<String> compileError) {
  public Program {
    files = Map.copyOf(files);
    Objects.requireNonNull(compile, "compile");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(compileError, "compileError");
    if (run.isEmpty() == compileError.isEmpty()) {
      throw new IllegalArgumentException("a program has a run command or a compile error, exactly one");
    }
    files.keySet().forEach(Program::checkRelative);
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
    return new Program(Map.of(), Optional.empty(), Optional.empty(), Optional.of(diagnostics));
  }

  private static void checkRelative(String name) {
    if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.contains("\0")) {
      throw new IllegalArgumentException("program file names are plain relative paths: " + name);
    }
  }
}
