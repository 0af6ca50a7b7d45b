package dev.livecode.runner.node;

import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.runner.node.internal.NodeProbe;
import dev.livecode.runner.node.internal.WarmBootstrap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs JavaScript programs on node: the source is written to {@code main.js} (a CommonJS script, so
 * {@code require} of node's modules works) and started as {@code node [extraArgs] main.js}.
 *
 * <p>Settings: {@code interpreter} is the node to use instead of {@code node} on the PATH; {@code
 * extraArgs} are node flags put before {@code main.js}; {@code extraEnv} is added to the program's
 * environment (the engine starts node with a minimal one: with this machine's, node takes twice as
 * long to start).
 *
 * @since 0.1
 */
public final class JavaScriptRunner implements LanguageRunner {
  /** The file the source is written to, relative to the workspace. */
  public static final String MAIN_FILE = "main.js";

  /** Used by ServiceLoader. */
  public JavaScriptRunner() {}

  @Override
  public String id() {
    return "javascript";
  }

  @Override
  public String displayName() {
    return "JavaScript";
  }

  @Override
  public Set<String> aliases() {
    return Set.of("js", "node");
  }

  @Override
  public LanguageRunner.Probe probe(LanguageRunner.Settings settings) {
    return NodeProbe.probe(settings);
  }

  @Override
  public LanguageRunner.Program prepare(
      String sourceCode, LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
    List<String> argv = new ArrayList<>(settings.extraArgs().size() + 2);
    argv.add(probe.requireExecutable().toString());
    argv.addAll(settings.extraArgs());
    argv.add(MAIN_FILE);
    return LanguageRunner.Program.interpreted(
        Map.of(MAIN_FILE, sourceCode), LanguageRunner.Command.of(argv));
  }

  /**
   * {@code node [extraArgs] -e BOOTSTRAP}: node started ahead of the program, which then arrives on
   * stdin, is written to {@code main.js} and runs as the main module, as {@code node main.js} runs
   * it (see {@link WarmBootstrap}).
   *
   * @since 0.2
   */
  @Override
  public Optional<LanguageRunner.Command> warmCommand(
      LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
    List<String> argv = new ArrayList<>(settings.extraArgs().size() + 3);
    argv.add(probe.requireExecutable().toString());
    argv.addAll(settings.extraArgs());
    argv.addAll(WarmBootstrap.ARGS);
    return Optional.of(LanguageRunner.Command.of(argv));
  }
}
