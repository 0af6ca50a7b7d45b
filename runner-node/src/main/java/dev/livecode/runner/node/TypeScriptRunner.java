package dev.livecode.runner.node;

import dev.livecode.core.spi.Command;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.core.spi.Program;
import dev.livecode.core.spi.RunnerProbe;
import dev.livecode.core.spi.RunnerSettings;
import dev.livecode.runner.node.internal.NodeProbe;
import dev.livecode.runner.node.internal.TranspileCache;
import dev.livecode.runner.node.internal.TypeScriptLibrary;
import dev.livecode.runner.node.internal.WarmBootstrap;
import dev.livecode.runner.node.internal.WarmTranspiler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs TypeScript programs on node, with the TypeScript compiler that comes with this jar's
 * dependencies ({@code org.webjars.npm:typescript}): nothing is downloaded, only node is needed.
 *
 * <p>A warm node process, started at probe, loads the compiler once and transpiles each program
 * in about a millisecond, and the last few hundred results are kept, so Run on unchanged code skips
 * even that ({@code transpileModule}: ES2022, CommonJS, so {@code import} of node's
 * modules and a top-level {@code export} work). Types are erased, not checked, as {@code tsx} and
 * {@code ts-node --transpile-only} do; a syntax error ends the run with COMPILE_ERROR and
 * {@code main.ts(line,col): error TSnnnn: message} on stderr, positions in the user's source.
 * The JavaScript then runs exactly as {@link JavaScriptRunner} runs it (same sandbox, same limits),
 * plus {@code --enable-source-maps} so runtime stack traces point at lines of {@code main.ts}.
 *
 * <p>The transpiler runs outside the sandbox (it parses text and runs no user code), bounded by a
 * minimal environment, a {@value WarmTranspiler#MAX_OLD_SPACE_MIB} MiB heap and a per-program
 * time limit ({@link WarmTranspiler#DEFAULT_REQUEST_TIMEOUT}), after which it is restarted.
 *
 * <p>Settings: {@code interpreter} is the node to use instead of {@code node} on the PATH (for the
 * transpiler and the programs); {@code extraArgs} are node flags for the program; {@code extraEnv}
 * is added to the program's environment.
 *
 * @since 0.1
 */
public final class TypeScriptRunner implements LanguageRunner {
  /** The file the transpiled program is written to, relative to the workspace. */
  public static final String MAIN_FILE = "main.js";
  /** Node flags always given, before the operator's. */
  public static final List<String> FLAGS = List.of("--enable-source-maps");

  private final TranspileCache cache = new TranspileCache();
  private WarmTranspiler transpiler;

  /** Used by ServiceLoader. */
  public TypeScriptRunner() {}

  @Override
  public String id() {
    return "typescript";
  }

  @Override
  public String displayName() {
    return "TypeScript";
  }

  @Override
  public Set<String> aliases() {
    return Set.of("ts");
  }

  /** Finds node and the bundled compiler, and starts warming the transpiler in the background. */
  @Override
  public RunnerProbe probe(RunnerSettings settings) {
    Optional<String> typescript = TypeScriptLibrary.bundledVersion();
    if (typescript.isEmpty()) {
      return RunnerProbe.unavailable("the TypeScript compiler (org.webjars.npm:typescript) is not on the class path");
    }
    RunnerProbe node = NodeProbe.probe(settings);
    if (!node.available()) {
      return node;
    }
    RunnerProbe probe = RunnerProbe.available(typescript.get(), node.requireExecutable(), node.readOnlyPaths());
    WarmTranspiler fresh = new WarmTranspiler(node.requireExecutable(), TypeScriptLibrary.get(),
        WarmTranspiler.DEFAULT_REQUEST_TIMEOUT);
    replaceTranspiler(fresh);
    fresh.warmUpInBackground();
    return probe;
  }

  @Override
  public Program prepare(String sourceCode, RunnerProbe probe, RunnerSettings settings) {
    Path node = probe.requireExecutable();
    WarmTranspiler.Outcome outcome = cache.find(sourceCode).orElseGet(() -> {
      WarmTranspiler.Outcome fresh = transpilerFor(node).transpile(sourceCode);
      cache.put(sourceCode, fresh);
      return fresh;
    });
    if (!outcome.compiled()) {
      return Program.compileError(outcome.text());
    }
    List<String> argv = new ArrayList<>(FLAGS.size() + settings.extraArgs().size() + 2);
    argv.add(node.toString());
    argv.addAll(FLAGS);
    argv.addAll(settings.extraArgs());
    argv.add(MAIN_FILE);
    return Program.interpreted(Map.of(MAIN_FILE, outcome.text()), Command.of(argv));
  }

  /**
   * {@code node --enable-source-maps [extraArgs] -e BOOTSTRAP}: node started ahead of the
   * program; the engine sends it the JavaScript that {@link #prepare} transpiled (a syntax error
   * never reaches it), which then runs exactly as a cold run's {@code main.js}.
   *
   * @since 0.2
   */
  @Override
  public Optional<Command> warmCommand(RunnerProbe probe, RunnerSettings settings) {
    List<String> argv = new ArrayList<>(FLAGS.size() + settings.extraArgs().size() + 3);
    argv.add(probe.requireExecutable().toString());
    argv.addAll(FLAGS);
    argv.addAll(settings.extraArgs());
    argv.addAll(WarmBootstrap.ARGS);
    return Optional.of(Command.of(argv));
  }

  private synchronized WarmTranspiler transpilerFor(Path node) {
    if (transpiler == null) {
      transpiler = new WarmTranspiler(node, TypeScriptLibrary.get(), WarmTranspiler.DEFAULT_REQUEST_TIMEOUT);
    }
    return transpiler;
  }

  private synchronized void replaceTranspiler(WarmTranspiler fresh) {
    if (transpiler != null) {
      transpiler.close();
    }
    transpiler = fresh;
  }

  /** The warm transpiler's pid, or -1 when none is up (for tests). */
  synchronized long transpilerPid() {
    return transpiler == null ? -1 : transpiler.pid();
  }

  /** Stops the warm transpiler. */
  @Override
  public synchronized void close() {
    if (transpiler != null) {
      transpiler.close();
      transpiler = null;
    }
  }
}
