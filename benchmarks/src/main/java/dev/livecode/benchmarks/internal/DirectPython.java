package dev.livecode.benchmarks.internal;

import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.runner.python.PythonRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python without the runner's bootstrap and without a warm command: {@code python <flags> main.py},
 * the interpreter found as {@link PythonRunner} finds it. The yardstick of what the bootstrap and
 * the sandbox tiers add.
 */
public final class DirectPython implements LanguageRunner {
  private final PythonRunner delegate = new PythonRunner();
  private final String id;
  private final List<String> flags;

  public DirectPython(String id, List<String> flags) {
    this.id = id;
    this.flags = List.copyOf(flags);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String displayName() {
    return "Python " + String.join(" ", flags) + " main.py";
  }

  @Override
  public LanguageRunner.Probe probe(LanguageRunner.Settings settings) {
    return delegate.probe(settings);
  }

  @Override
  public LanguageRunner.Program prepare(
      String sourceCode, LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
    List<String> argv = new ArrayList<>();
    argv.add(probe.requireExecutable().toString());
    argv.addAll(flags);
    argv.addAll(settings.extraArgs());
    argv.add(PythonRunner.MAIN_FILE);
    return LanguageRunner.Program.interpreted(
        Map.of(PythonRunner.MAIN_FILE, sourceCode), LanguageRunner.Command.of(argv));
  }
}
