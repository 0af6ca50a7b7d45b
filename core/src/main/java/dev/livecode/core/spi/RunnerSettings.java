package dev.livecode.core.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Operator settings for one language.
 *
 * @param interpreter the interpreter or compiler to use instead of the one found on PATH
 * @param extraArgs flags added before the program
 * @param extraEnv environment variables added to the program's minimal environment
 */
public record RunnerSettings(Optional<Path> interpreter, List<String> extraArgs, Map<String, String> extraEnv) {
  public static final RunnerSettings DEFAULTS = new RunnerSettings(Optional.empty(), List.of(), Map.of());

  public RunnerSettings {
    Objects.requireNonNull(interpreter, "interpreter");
    extraArgs = List.copyOf(extraArgs);
    extraEnv = Map.copyOf(extraEnv);
  }

  public RunnerSettings withInterpreter(Path path) {
    return new RunnerSettings(Optional.of(path), extraArgs, extraEnv);
  }

  public RunnerSettings withExtraArgs(List<String> args) {
    return new RunnerSettings(interpreter, args, extraEnv);
  }

  public RunnerSettings withExtraEnv(Map<String, String> env) {
    return new RunnerSettings(interpreter, extraArgs, env);
  }
}
