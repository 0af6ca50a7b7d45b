package dev.livecode.core.testing;

import dev.livecode.core.spi.LanguageRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Minimal runners for core's own tests (the real ones live in runner modules, which depend on
 * core): Debian's python3 and node, started cold as {@code python3 -S -I -u main.py} and {@code
 * node main.js}. They offer no warm command: tests of warm interpreters run with the real runners
 * in the engine-tests module, so no copy of a runner's bootstrap lives here.
 */
public final class TestRunners {
  private TestRunners() {}

  public static LanguageRunner python() {
    return new Simple(
        "python", "Python", Path.of("/usr/bin/python3"), "main.py", List.of("-S", "-I", "-u"));
  }

  public static LanguageRunner node() {
    return new Simple("javascript", "JavaScript", Path.of("/usr/bin/node"), "main.js", List.of());
  }

  private record Simple(
      String id, String displayName, Path executable, String file, List<String> flags)
      implements LanguageRunner {

    @Override
    public LanguageRunner.Probe probe(LanguageRunner.Settings settings) {
      Path exe = settings.interpreter().orElse(executable);
      return Files.isExecutable(exe)
          ? LanguageRunner.Probe.available("test", exe, List.of())
          : LanguageRunner.Probe.unavailable(exe + " not found");
    }

    @Override
    public LanguageRunner.Program prepare(
        String sourceCode, LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
      List<String> argv = new ArrayList<>();
      argv.add(probe.requireExecutable().toString());
      argv.addAll(flags);
      argv.addAll(settings.extraArgs());
      argv.add(file);
      return LanguageRunner.Program.interpreted(
          Map.of(file, sourceCode), LanguageRunner.Command.of(argv));
    }
  }
}
