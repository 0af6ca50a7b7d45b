package dev.livecode.runner.python;

import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.runner.python.internal.Bootstrap;
import dev.livecode.sandbox.HostCommands;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Python 3 programs: the source is written to {@code main.py} and run by the real interpreter
 * (shims such as pyenv's are resolved once, at probe, through {@code sys.executable}).
 *
 * <p>The program is started as {@code python -S -I -u [extraArgs] -c BOOTSTRAP}: {@code -S} skips
 * the {@code site} module (half the start time here, and no {@code .pth} side effects; the standard
 * library is all there, third-party packages are not), {@code -I} ignores {@code PYTHON*} variables
 * and the user's site directory, {@code -u} writes output at once, so what was printed before a
 * timeout or a crash is kept and stdout and stderr keep the program's order. The bootstrap (about
 * half a millisecond per run) gives back the {@code exit()}, {@code quit()} and {@code help()}
 * builtins that {@code -S} drops and runs {@code main.py} as {@code __main__}; the program sees
 * {@code __file__ == 'main.py'} and {@code sys.argv == ['main.py']}, and its tracebacks and syntax
 * errors read as those of {@code python main.py}, naming {@code main.py} and its lines.
 *
 * <p>Settings: {@code interpreter} is the python to use instead of {@code python3} on the PATH;
 * {@code extraArgs} are interpreter flags put before the bootstrap; {@code extraEnv} is added to
 * the program's environment.
 *
 * @since 0.1
 */
public final class PythonRunner implements LanguageRunner {
  private static final Logger LOG = LoggerFactory.getLogger(PythonRunner.class);

  /** The file the source is written to, relative to the workspace. */
  public static final String MAIN_FILE = "main.py";

  /** Interpreter flags always given, before the operator's. */
  public static final List<String> FLAGS = List.of("-S", "-I", "-u");

  private static final String DEFAULT_INTERPRETER = "python3";
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
  private static final String PROBE_SCRIPT =
      "import sys,platform;print(sys.executable);print(platform.python_version());print(sys.prefix);print(sys.base_prefix)";

  /** Used by ServiceLoader. */
  public PythonRunner() {}

  @Override
  public String id() {
    return "python";
  }

  @Override
  public String displayName() {
    return "Python";
  }

  @Override
  public Set<String> aliases() {
    return Set.of("py");
  }

  @Override
  public LanguageRunner.Probe probe(LanguageRunner.Settings settings) {
    Optional<Path> found = HostCommands.locate(settings.interpreter(), DEFAULT_INTERPRETER);
    if (found.isEmpty()) {
      return LanguageRunner.Probe.unavailable(
          settings
              .interpreter()
              .map(path -> path + " is not an executable file; check --python or LIVECODE_PYTHON")
              .orElse("python3 not found on PATH; set --python or LIVECODE_PYTHON"));
    }
    String answer;
    try {
      answer = HostCommands.run(List.of(found.get().toString(), "-c", PROBE_SCRIPT), PROBE_TIMEOUT);
    } catch (IOException e) {
      return LanguageRunner.Probe.unavailable(found.get() + " does not run: " + e.getMessage());
    }
    List<String> lines = answer.lines().map(String::strip).toList();
    if (lines.size() < 4 || lines.get(0).isEmpty()) {
      return LanguageRunner.Probe.unavailable(
          found.get() + " did not report sys.executable; is it Python 3?");
    }
    Path executable;
    try {
      executable = Path.of(lines.get(0)).toRealPath();
    } catch (IOException e) {
      return LanguageRunner.Probe.unavailable(
          found.get() + " reported an executable that is not there: " + lines.get(0));
    }
    String version = lines.get(1);
    if (!version.startsWith("3.")) {
      return LanguageRunner.Probe.unavailable(
          found.get() + " is Python " + version + "; Python 3 is needed");
    }
    Path prefix = Path.of(lines.get(3)); // sys.base_prefix: the standard library of a venv is there
    Set<Path> visible = new LinkedHashSet<>();
    if (!HostCommands.isSystemPath(prefix)) {
      visible.add(prefix);
    }
    if (!HostCommands.isSystemPath(executable) && !executable.startsWith(prefix)) {
      visible.add(executable.getParent());
    }
    LOG.debug(
        "python probed interpreter={} executable={} version={} read_only={}",
        found.get(),
        executable,
        version,
        visible);
    return LanguageRunner.Probe.available(version, executable, List.copyOf(visible));
  }

  @Override
  public LanguageRunner.Program prepare(
      String sourceCode, LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
    List<String> argv =
        new ArrayList<>(1 + FLAGS.size() + settings.extraArgs().size() + Bootstrap.ARGS.size());
    argv.add(probe.requireExecutable().toString());
    argv.addAll(FLAGS);
    argv.addAll(settings.extraArgs());
    argv.addAll(Bootstrap.ARGS);
    return LanguageRunner.Program.interpreted(
        Map.of(MAIN_FILE, sourceCode), LanguageRunner.Command.of(argv));
  }

  /**
   * {@code python -S -I -u [extraArgs] -c WARM_BOOTSTRAP}: the interpreter started ahead of the
   * program, with the bootstrap's set-up done, waiting for the program on stdin; it then writes it
   * to {@code main.py} and runs it exactly as a cold start does.
   *
   * @since 0.2
   */
  @Override
  public Optional<LanguageRunner.Command> warmCommand(
      LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
    List<String> argv =
        new ArrayList<>(
            1 + FLAGS.size() + settings.extraArgs().size() + Bootstrap.WARM_ARGS.size());
    argv.add(probe.requireExecutable().toString());
    argv.addAll(FLAGS);
    argv.addAll(settings.extraArgs());
    argv.addAll(Bootstrap.WARM_ARGS);
    return Optional.of(LanguageRunner.Command.of(argv));
  }

  /**
   * True: the warm bootstrap reads its program from fd 0 and needs only what {@code python -S -I -u
   * -c} gives, so it runs the same in an interpreter forked from a fork server.
   *
   * @since 0.4
   */
  @Override
  public boolean warmCommandForks() {
    return true;
  }
}
