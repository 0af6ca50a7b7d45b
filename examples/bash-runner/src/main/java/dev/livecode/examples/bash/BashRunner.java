package dev.livecode.examples.bash;

import dev.livecode.core.spi.Command;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.core.spi.Program;
import dev.livecode.core.spi.RunnerProbe;
import dev.livecode.core.spi.RunnerSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bash for livecode: an example of a language plugin written outside the project. It is one
 * class and one line in {@code META-INF/services/dev.livecode.core.spi.LanguageRunner}; it
 * depends on {@code livecode-core} only and knows nothing of the sandbox, queue or store.
 *
 * <p>Settings: {@code interpreter} is the bash to use instead of {@code bash} on the PATH;
 * {@code extraArgs} are bash options put before the script; {@code extraEnv} is added to the
 * program's environment.
 */
public final class BashRunner implements LanguageRunner {
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
  public RunnerProbe probe(RunnerSettings settings) {
    Optional<Path> bash = settings.interpreter().or(() -> onPath("bash"));
    if (bash.isEmpty() || !Files.isExecutable(bash.get())) {
      return RunnerProbe.unavailable("bash not found on PATH; install it or set its path in the bash settings");
    }
    try {
      Path executable = bash.get().toRealPath();
      Process process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
      String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return RunnerProbe.unavailable(executable + " --version did not answer");
      }
      Matcher version = VERSION.matcher(text);
      // bash lives in /usr/bin (or /bin), which every sandbox shows: no extra read-only paths.
      return RunnerProbe.available(version.find() ? version.group(1) : "unknown", executable, List.of());
    } catch (IOException e) {
      return RunnerProbe.unavailable(bash.get() + " does not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return RunnerProbe.unavailable("interrupted while probing bash");
    }
  }

  /** Called per run, on a worker thread: lay out the files and say what to run (relative names). */
  @Override
  public Program prepare(String sourceCode, RunnerProbe probe, RunnerSettings settings) {
    List<String> argv = new ArrayList<>();
    argv.add(probe.requireExecutable().toString());
    argv.addAll(settings.extraArgs());
    argv.add("main.sh");
    return Program.interpreted(Map.of("main.sh", sourceCode), Command.of(argv));
  }

  private static Optional<Path> onPath(String name) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
