package dev.livecode.core.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A language plugin: a jar with one implementation and one line in {@code
 * META-INF/services/dev.livecode.core.spi.LanguageRunner}. It says how to lay out a program and
 * what to run; it knows nothing of the sandbox, the queue or the store.
 *
 * <p>The engine calls {@link #probe(Settings, HelperProcesses)} once at start and {@link
 * #prepare(String, Probe, Settings, Duration)} once per run, from any thread and for several runs
 * at once. Implementations need a public no-argument constructor.
 *
 * @since 0.1
 */
public interface LanguageRunner {

  /** The canonical language id, lower case (e.g. {@code python}). */
  String id();

  /** What users see (e.g. {@code Python}). */
  String displayName();

  /** Other names accepted for the language, lower case (e.g. {@code py}). */
  default Set<String> aliases() {
    return Set.of();
  }

  /**
   * Finds the interpreter or compiler and its version. Called once when the engine starts, with the
   * operator's settings for this language; never on the hot path.
   */
  Probe probe(Settings settings);

  /**
   * {@link #probe(Settings)}, for a runner that keeps helper processes of its own on the host (a
   * warm compiler): the engine calls this one, and the default ignores {@code helpers}. A runner
   * that overrides it starts its helpers through {@code helpers}, so that their CPU is capped with
   * the other runners' helpers instead of taking what the runs need.
   *
   * @param settings the operator's settings for this language
   * @param helpers where this runner's helper processes go, for as long as the engine runs
   * @since 0.3
   */
  default Probe probe(Settings settings, HelperProcesses helpers) {
    return probe(settings);
  }

  /**
   * Lays out one program: its files, an optional compile step, and the command that runs it. May
   * instead return {@link Program#compileError} when the runner compiles in-process.
   *
   * @param sourceCode the user's source, never null
   * @param probe what {@link #probe} found
   * @param settings the operator's settings for this language
   */
  Program prepare(String sourceCode, Probe probe, Settings settings);

  /**
   * {@link #prepare(String, Probe, Settings)} within the run's time limit: the engine calls this
   * one, and the default ignores {@code timeLimit}. A runner whose prepare can take long (one that
   * compiles in-process or in a helper) overrides it and, when its work does not finish within
   * {@code timeLimit}, stops it and returns {@link Program#outOfTime}, so the run ends TIMEOUT. The
   * engine does not count a prepare that takes long against its run concurrency (other runs go on
   * meanwhile), so the limit is what bounds it.
   *
   * @param sourceCode the user's source, never null
   * @param probe what {@link #probe} found
   * @param settings the operator's settings for this language
   * @param timeLimit the run's wall-time limit, which the prepare step gets in full, as a compile
   *     step does
   * @since 0.3
   */
  default Program prepare(String sourceCode, Probe probe, Settings settings, Duration timeLimit) {
    return prepare(sourceCode, probe, settings);
  }

  /**
   * A command that starts the interpreter ahead of time and waits for one program on stdin, so that
   * a run does not pay the interpreter's start ("warm start"). Absent (the default) means this
   * runner has no warm mode and every run starts cold.
   *
   * <p>The engine starts the command in the sandbox, in a fresh empty workspace, under the server's
   * default limits, before any program is known; the process must then wait, without using CPU,
   * until its stdin gives it, in this order:
   *
   * <ol>
   *   <li>one header line: the UTF-8 byte length {@code n} of the program in ASCII decimal and
   *       {@code \n};
   *   <li>exactly {@code n} bytes: the content of the single file that {@link #prepare} laid out
   *       for the program (for a runner that transpiles, the transpiled file);
   *   <li>the rest of stdin, until EOF: the program's own stdin.
   * </ol>
   *
   * It must read exactly the header and the {@code n} bytes from fd 0 (no read-ahead that would
   * take the program's stdin), write the file under the name {@link #prepare} gives it in its
   * working directory (so tracebacks show source lines), and from then on behave exactly as the
   * cold run of {@link #prepare}'s run command would: the same module name, file name and argv as
   * seen by the program, the same exit codes and the same stdout and stderr. When stdin ends before
   * the header is complete, it exits quietly (the engine discarded it).
   *
   * <p>The engine uses a warm process only for a program without a compile step and with exactly
   * one file, whose run asks for the default limits; each process runs one program and is then
   * killed and discarded with its workspace. The program's wall time is counted from the moment the
   * program is sent; its CPU time includes the interpreter's own start.
   *
   * @param probe what {@link #probe} found (available)
   * @param settings the operator's settings for this language
   * @since 0.2
   */
  default Optional<Command> warmCommand(Probe probe, Settings settings) {
    return Optional.empty();
  }

  /**
   * Whether {@link #warmCommand} is {@code python [flags] -c PROGRAM [args]} whose {@code PROGRAM}
   * runs unchanged in a forked copy of an interpreter started as {@code python [flags] -c ...}: one
   * that assumes nothing of the process but what that start gives (its flags, environment, the
   * standard streams as fds 0-2, {@code sys.argv == ['-c', args...]}, a fresh {@code __main__}), so
   * the engine may fork warm interpreters from a fork server instead of starting each (see {@code
   * LivecodeBuilder#forkServers}). Default false.
   *
   * @since 0.4
   */
  default boolean warmCommandForks() {
    return false;
  }

  /**
   * Releases what the runner keeps (warm helper processes). Called once when the engine closes,
   * before the engine removes the helpers' group.
   */
  default void close() {}

  /**
   * A command line run inside the program's workspace (its working directory).
   *
   * @param argv the executable (absolute path) and its arguments
   * @param env variables added to the minimal environment the engine gives every program
   * @param timeLimit a wall-time limit of this step's own; absent means the run's limit
   */
  record Command(List<String> argv, Map<String, String> env, Optional<Duration> timeLimit) {
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

  /**
   * One program laid out for a run.
   *
   * @param files files to write into the workspace, by relative path (UTF-8 text)
   * @param compile a compile step; a non-zero exit ends the run FAILED with COMPILE_ERROR and the
   *     step's output as stderr
   * @param run the command that runs the program
   * @param compileError diagnostics of a compile the runner did itself; when present nothing runs
   * @param timedOut the runner's own compile ran out of the run's time limit ({@link #outOfTime}):
   *     the run ends TIMEOUT with {@code compileError} as stderr (since 0.3)
   */
  record Program(
      Map<String, String> files,
      Optional<Command> compile,
      Optional<Command> run,
      Optional<String> compileError,
      boolean timedOut) {
    public Program {
      files = Map.copyOf(files);
      Objects.requireNonNull(compile, "compile");
      Objects.requireNonNull(run, "run");
      Objects.requireNonNull(compileError, "compileError");
      if (run.isEmpty() == compileError.isEmpty()) {
        throw new IllegalArgumentException(
            "a program has a run command or a compile error, exactly one");
      }
      if (timedOut && compileError.isEmpty()) {
        throw new IllegalArgumentException(
            "a program that timed out says why in its compile error");
      }
      files.keySet().forEach(Program::checkRelative);
    }

    /** A program that did not time out in the runner: the constructor of 0.1 and 0.2. */
    public Program(
        Map<String, String> files,
        Optional<Command> compile,
        Optional<Command> run,
        Optional<String> compileError) {
      this(files, compile, run, compileError, false);
    }

    /** An interpreted program: its files and the command that runs them. */
    public static Program interpreted(Map<String, String> files, Command run) {
      return new Program(files, Optional.empty(), Optional.of(run), Optional.empty());
    }

    /** A compiled program: compile, then run. */
    public static Program compiled(Map<String, String> files, Command compile, Command run) {
      return new Program(files, Optional.of(compile), Optional.of(run), Optional.empty());
    }

    /** The runner compiled the source itself and it did not compile. */
    public static Program compileError(String diagnostics) {
      return new Program(
          Map.of(), Optional.empty(), Optional.empty(), Optional.of(diagnostics), false);
    }

    /**
     * The runner's own compile (a transpile in a helper process) did not finish within the time
     * limit it was given by {@link LanguageRunner#prepare(String, Probe, Settings,
     * java.time.Duration)}: the run ends TIMEOUT, as a program that runs out of its wall time does,
     * with {@code diagnostics} and the engine's timeout line as stderr.
     *
     * @since 0.3
     */
    public static Program outOfTime(String diagnostics) {
      return new Program(
          Map.of(), Optional.empty(), Optional.empty(), Optional.of(diagnostics), true);
    }

    private static void checkRelative(String name) {
      if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.contains("\0")) {
        throw new IllegalArgumentException("program file names are plain relative paths: " + name);
      }
    }
  }

  /**
   * What a runner found at start.
   *
   * @param available the language can run here
   * @param version the interpreter's version (e.g. {@code 3.11.7}), or {@code unknown}
   * @param executable the resolved interpreter (no shims, no PATH lookup per run)
   * @param readOnlyPaths host directories the program needs to see read-only inside the sandbox
   *     (e.g. an interpreter installed outside /usr); nothing more is exposed
   * @param unavailableReason why it is not available
   */
  record Probe(
      boolean available,
      String version,
      Optional<Path> executable,
      List<Path> readOnlyPaths,
      Optional<String> unavailableReason) {

    public Probe {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(executable, "executable");
      readOnlyPaths = List.copyOf(readOnlyPaths);
      Objects.requireNonNull(unavailableReason, "unavailableReason");
    }

    public static Probe available(String version, Path executable, List<Path> readOnlyPaths) {
      return new Probe(true, version, Optional.of(executable), readOnlyPaths, Optional.empty());
    }

    public static Probe unavailable(String reason) {
      return new Probe(false, "unknown", Optional.empty(), List.of(), Optional.of(reason));
    }

    /** The executable; only call on an available probe. */
    public Path requireExecutable() {
      return executable.orElseThrow(
          () ->
              new IllegalStateException("runner is unavailable: " + unavailableReason.orElse("")));
    }
  }

  /**
   * Operator settings for one language.
   *
   * @param interpreter the interpreter or compiler to use instead of the one found on PATH
   * @param extraArgs flags added before the program
   * @param extraEnv environment variables added to the program's minimal environment
   */
  record Settings(
      Optional<Path> interpreter, List<String> extraArgs, Map<String, String> extraEnv) {
    public static final Settings DEFAULTS = new Settings(Optional.empty(), List.of(), Map.of());

    public Settings {
      Objects.requireNonNull(interpreter, "interpreter");
      extraArgs = List.copyOf(extraArgs);
      extraEnv = Map.copyOf(extraEnv);
    }

    public Settings withInterpreter(Path path) {
      return new Settings(Optional.of(path), extraArgs, extraEnv);
    }

    public Settings withExtraArgs(List<String> args) {
      return new Settings(interpreter, args, extraEnv);
    }

    public Settings withExtraEnv(Map<String, String> env) {
      return new Settings(interpreter, extraArgs, env);
    }
  }

  /**
   * Where a runner's own long-lived helper processes go: processes it keeps on the host, outside
   * any run's sandbox, because they run no user code but only read user text (a warm transpiler, a
   * language server). Reading text can still be made to take exponential time, so the engine puts
   * every runner's helpers into one group whose CPU it caps (one core, in a cgroup, where the host
   * offers one), apart from the runs. Handed to a runner once, in {@link
   * LanguageRunner#probe(Settings, HelperProcesses)}; thread-safe.
   *
   * @since 0.3
   */
  @FunctionalInterface
  interface HelperProcesses {

    /**
     * Moves a started helper process, with all its threads, into the helpers' group; what it starts
     * later is in the group too. A runner may let a helper start first (load its code) and confine
     * it before it reads any user text, so that a helper's start does not queue behind the helpers
     * it is meant to relieve.
     *
     * @return true when the process is now CPU-capped; false when this host gives helpers no group
     *     (they run uncapped) or the process is gone
     */
    boolean confine(ProcessHandle process);

    /**
     * Helpers left where they are started (no cgroup on this host; tests; a runner probed alone).
     */
    static HelperProcesses uncapped() {
      return process -> false;
    }
  }
}
