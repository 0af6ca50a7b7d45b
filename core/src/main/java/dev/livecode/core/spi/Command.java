package dev.livecode.core.spi;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A command line run inside the program's workspace (its working directory).
 *
 * @param argv the executable (absolute path) and its arguments
 * @param env variables added to the minimal environment the engine gives every program
 * @param timeLimit a wall-time limit of this step's own; absent means the run's limit
 */
public record Command(List<String> argv, Map<String, String> env, Optional<Duration> timeLimit) {
  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must not be empty");
    }
    env = Map.copyOf(env);
    Objects.requireNonNull(timeLimit, "timeLimit");
  }

  public static Command of(List<String> argv) {
    return new Command(argv, Map.of(), Optional.empty());
  }

  public Command withEnv(Map<String, String> value) {
    return new Command(argv, value, timeLimit);
  }

  public Command withTimeLimit(Duration value) {
    return new Command(argv, env, Optional.of(value));
  }
}
