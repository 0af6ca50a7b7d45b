package dev.livecode.examples.bash;

import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.sandbox.HostCommands;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bash for livecode: an example of a language plugin written outside the project. It is one class
 * and one line in {@code META-INF/services/dev.livecode.core.spi.LanguageRunner}; it depends on
 * {@code livecode-core} only and knows nothing of the sandbox, queue or store.
 *
 * <p>Settings: {@code interpreter} is the bash to use instead of {@code bash} on the PATH; {@code
 * extraArgs} are bash options put before the script; {@code extraEnv} is added to the program's
 * environment.
 */
public final class BashRunner implements LanguageRunner {
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern VERSION = Pattern.compile("version (\\d+\\.\\d+\\.\\d+)");

  /** ServiceLoader needs a public no-argument constructor. */
  public BashRunner() {}

  @Override
  public String id() {
    return "bash";
  }

  @Override
  public String displayName() {
    return "Bash";
  }

  @Override
  public Set<String> aliases() {
    return Set.of("sh");
  }

  /** Called once at engine start: find bash, ask its version, never again per run. */
  @Override
  public LanguageRunner.Probe probe(LanguageRunner.Settings settings) {
    Optional<Path> bash = HostCommands.locate(settings.interpreter(), "bash");
    if (bash.isEmpty()) {
      return LanguageRunner.Probe.unavailable(
          "bash not found on PATH; install it or set its path in the bash settings");
    }
    try {
      Path executable = bash.get().toRealPath();
      Matcher version =
          VERSION.matcher(
              HostCommands.run(List.of(executable.toString(), "--version"), PROBE_TIMEOUT));
      // bash lives in /usr/bin (or /bin), which every sandbox shows: no extra read-only paths.
      return LanguageRunner.Probe.available(
          version.find() ? version.group(1) : "unknown", executable, List.of());
    } catch (IOException e) {
      return LanguageRunner.Probe.unavailable(bash.get() + " does not run: " + e.getMessage());
    }
  }

  /** Called per run, on a worker thread: lay out the files and say what to run (relative names). */
  @Override
  public LanguageRunner.Program prepare(
      String sourceCode, LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
    List<String> argv = new ArrayList<>();
    argv.add(probe.requireExecutable().toString());
    argv.addAll(settings.extraArgs());
    argv.add("main.sh");
    return LanguageRunner.Program.interpreted(
        Map.of("main.sh", sourceCode), LanguageRunner.Command.of(argv));
  }
}
