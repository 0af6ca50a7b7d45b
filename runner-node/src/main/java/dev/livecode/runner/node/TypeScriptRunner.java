package dev.livecode.runner.node;

import dev.livecode.core.Limits;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.runner.node.internal.NodeProbe;
import dev.livecode.runner.node.internal.TimedOutSources;
import dev.livecode.runner.node.internal.TranspileCache;
import dev.livecode.runner.node.internal.TypeScriptLibrary;
import dev.livecode.runner.node.internal.WarmBootstrap;
import dev.livecode.runner.node.internal.WarmTranspiler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs TypeScript programs on node, with the TypeScript compiler that comes with this jar's
 * dependencies ({@code org.webjars.npm:typescript}): nothing is downloaded, only node is needed.
 *
 * <p>Warm node processes, the first started at probe, load the compiler once and transpile each
 * program in about a millisecond, and the last few hundred results are kept, so Run on unchanged
 * code skips even that ({@code transpileModule}: ES2022, CommonJS, so {@code import} of node's
 * modules and a top-level {@code export} work). Types are erased, not checked, as {@code tsx} and
 * {@code ts-node --transpile-only} do; a syntax error ends the run with COMPILE_ERROR and {@code
 * main.ts(line,col): error TSnnnn: message} on stderr, positions in the user's source. The
 * JavaScript then runs exactly as {@link JavaScriptRunner} runs it (same sandbox, same limits),
 * plus {@code --enable-source-maps} so runtime stack traces point at lines of {@code main.ts}.
 *
 * <p>The transpile is charged to the run that asked for it. It has the run's wall-time limit: one
 * that runs out of it ends the run TIMEOUT, and its process is killed and replaced. The source is
 * then remembered (by hash; {@value TimedOutSources#MAX_ENTRIES} at most), so running it again with
 * no longer a limit is refused at once, FAILED with COMPILE_ERROR, instead of burning the same CPU
 * again. Each transpile has a process of its own, up to {@value
 * WarmTranspiler#DEFAULT_MAX_PROCESSES} ({@link WarmTranspiler}), so a small program is not stuck
 * behind a runaway one; the engine does not count a long transpile against its run concurrency. The
 * transpilers run outside the sandbox (they parse text and run no user code), bounded by a minimal
 * environment, a {@value WarmTranspiler#MAX_OLD_SPACE_MIB} MiB heap each, and the engine's helper
 * group: one core for all of them together where the host has cgroups.
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

  /**
   * The share of its time limit a source must have spent in a transpiler, not waiting for one, for
   * its timeout to be held against it.
   */
  private static final double OWN_FAULT_SHARE = 0.75;

  private final TranspileCache cache = new TranspileCache();
  private final TimedOutSources timedOut = new TimedOutSources();
  private WarmTranspiler transpiler;
  private LanguageRunner.HelperProcesses helpers = LanguageRunner.HelperProcesses.uncapped();

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

  /** Finds node and the bundled compiler, with transpilers that run uncapped. */
  @Override
  public LanguageRunner.Probe probe(LanguageRunner.Settings settings) {
    return probe(settings, LanguageRunner.HelperProcesses.uncapped());
  }

  /**
   * Finds node and the bundled compiler, and starts warming a transpiler in the background, in the
   * engine's helper group.
   *
   * @since 0.3
   */
  @Override
  public LanguageRunner.Probe probe(
      LanguageRunner.Settings settings, LanguageRunner.HelperProcesses helpers) {
    Optional<String> typescript = TypeScriptLibrary.bundledVersion();
    if (typescript.isEmpty()) {
      return LanguageRunner.Probe.unavailable(
          "the TypeScript compiler (org.webjars.npm:typescript) is not on the class path");
    }
    LanguageRunner.Probe node = NodeProbe.probe(settings);
    if (!node.available()) {
      return node;
    }
    LanguageRunner.Probe probe =
        LanguageRunner.Probe.available(
            typescript.get(), node.requireExecutable(), node.readOnlyPaths());
    WarmTranspiler fresh =
        new WarmTranspiler(
            node.requireExecutable(),
            TypeScriptLibrary.get(),
            helpers,
            WarmTranspiler.DEFAULT_MAX_PROCESSES);
    replaceTranspiler(fresh, helpers);
    fresh.warmUpInBackground();
    return probe;
  }

  /**
   * {@link #prepare(String, LanguageRunner.Probe, LanguageRunner.Settings, Duration)} with the
   * default wall time.
   */
  @Override
  public LanguageRunner.Program prepare(
      String sourceCode, LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
    return prepare(sourceCode, probe, settings, Limits.DEFAULTS.wallTime());
  }

  /**
   * Transpiles within the run's time limit; a source that ran out of no shorter a limit before is
   * refused at once.
   *
   * @since 0.3
   */
  @Override
  public LanguageRunner.Program prepare(
      String sourceCode,
      LanguageRunner.Probe probe,
      LanguageRunner.Settings settings,
      Duration timeLimit) {
    Path node = probe.requireExecutable();
    Optional<WarmTranspiler.Outcome> cached = cache.find(sourceCode);
    if (cached.isEmpty()) {
      Optional<Duration> ranOut = timedOut.find(sourceCode);
      if (ranOut.isPresent() && timeLimit.compareTo(ranOut.get()) <= 0) {
        return LanguageRunner.Program.compileError(
            "main.ts: error: this program timed out before in the TypeScript compiler (its limit was "
                + ranOut.get().toMillis()
                + " ms), so it is not compiled again; change it, or give it a longer time limit\n");
      }
    }
    WarmTranspiler.Outcome outcome =
        cached.orElseGet(
            () -> {
              WarmTranspiler.Outcome fresh = transpilerFor(node).transpile(sourceCode, timeLimit);
              cache.put(sourceCode, fresh);
              return fresh;
            });
    switch (outcome.kind()) {
      case JAVASCRIPT -> {
        List<String> argv = new ArrayList<>(FLAGS.size() + settings.extraArgs().size() + 2);
        argv.add(node.toString());
        argv.addAll(FLAGS);
        argv.addAll(settings.extraArgs());
        argv.add(MAIN_FILE);
        return LanguageRunner.Program.interpreted(
            Map.of(MAIN_FILE, outcome.text()), LanguageRunner.Command.of(argv));
      }
      case TIMED_OUT -> {
        // Only a source that had most of its time in a transpiler is to blame, not one that waited
        // for a free one.
        if (outcome.transpiling().toNanos() >= timeLimit.toNanos() * OWN_FAULT_SHARE) {
          timedOut.remember(sourceCode, timeLimit);
        }
        return LanguageRunner.Program.outOfTime(outcome.text());
      }
      default -> {
        return LanguageRunner.Program.compileError(outcome.text());
      }
    }
  }

  /**
   * {@code node --enable-source-maps [extraArgs] -e BOOTSTRAP}: node started ahead of the program;
   * the engine sends it the JavaScript that {@link #prepare} transpiled (a syntax error never
   * reaches it), which then runs exactly as a cold run's {@code main.js}.
   *
   * @since 0.2
   */
  @Override
  public Optional<LanguageRunner.Command> warmCommand(
      LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
    List<String> argv = new ArrayList<>(FLAGS.size() + settings.extraArgs().size() + 3);
    argv.add(probe.requireExecutable().toString());
    argv.addAll(FLAGS);
    argv.addAll(settings.extraArgs());
    argv.addAll(WarmBootstrap.ARGS);
    return Optional.of(LanguageRunner.Command.of(argv));
  }

  private synchronized WarmTranspiler transpilerFor(Path node) {
    if (transpiler == null) {
      transpiler =
          new WarmTranspiler(
              node, TypeScriptLibrary.get(), helpers, WarmTranspiler.DEFAULT_MAX_PROCESSES);
    }
    return transpiler;
  }

  private synchronized void replaceTranspiler(
      WarmTranspiler fresh, LanguageRunner.HelperProcesses group) {
    if (transpiler != null) {
      transpiler.close();
    }
    transpiler = fresh;
    helpers = group;
  }

  /** The transpilers' pids, ready or busy (for tests). */
  synchronized List<Long> transpilerPids() {
    return transpiler == null ? List.of() : transpiler.pids();
  }

  /** Transpiles in progress (for tests). */
  synchronized int transpiling() {
    return transpiler == null ? 0 : transpiler.busy();
  }

  /** Transpilers ready for the next program (for tests). */
  synchronized int transpilersReady() {
    return transpiler == null ? 0 : transpiler.ready();
  }

  /** Stops the warm transpilers. */
  @Override
  public synchronized void close() {
    if (transpiler != null) {
      transpiler.close();
      transpiler = null;
    }
  }
}
