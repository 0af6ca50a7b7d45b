package dev.livecode.core.spi;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * A language plugin: a jar with one implementation and one line in
 * {@code META-INF/services/dev.livecode.core.spi.LanguageRunner}. It says how to lay out a
 * program and what to run; it knows nothing of the sandbox, the queue or the store.
 *
 * <p>The engine calls {@link #probe(Settings, HelperProcesses)} once at start and
 * {@link #prepare(String, Probe, Settings, Duration)} once per run, from any thread
 * and for several runs at once. Implementations need a public no-argument constructor.
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
   * Finds the interpreter or compiler and its version. Called once when the engine starts, with
   * the operator's settings for this language; never on the hot path.
   */
  Probe probe(Settings settings);

  /**
   * {@link #probe(Settings)}, for a runner that keeps helper processes of its own on the
   * host (a warm compiler): the engine calls this one, and the default ignores {@code helpers}.
   * A runner that overrides it starts its helpers through {@code helpers}, so that their CPU is
   * capped with the other runners' helpers instead of taking what the runs need.
   *
   * @param settings the operator's settings for this language
   * @param helpers where this runner's helper processes go, for as long as the engine runs
   * @since 0.3
   */
  default Probe probe(Settings settings, HelperProcesses helpers) {
    return probe(settings);
  }

  /**
   * Lays out one program: its files, an optional compile step, and the command that runs it.
   * May instead return {@link Program#compileError} when the runner compiles in-process.
   *
   * @param sourceCode the user's source, never null
   * @param probe what {@link #probe} found
   * @param settings the operator's settings for this language
   */
  Program prepare(String sourceCode, Probe probe, Settings settings);

  /**
   * {@link #prepare(String, Probe, Settings)} within the run's time limit: the engine
   * calls this one, and the default ignores {@code timeLimit}. A runner whose prepare can take
   * long (one that compiles in-process or in a helper) overrides it and, when its work does not
   * finish within {@code timeLimit}, stops it and returns {@link Program#outOfTime}, so the run
   * ends TIMEOUT. The engine does not count a prepare that takes long against its run
   * concurrency (other runs go on meanwhile), so the limit is what bounds it.
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
   * A command that starts the interpreter ahead of time and waits for one program on stdin, so
   * that a run does not pay the interpreter's start ("warm start"). Absent (the default) means
   * this runner has no warm mode and every run starts cold.
   *
   * <p>The engine starts the command in the sandbox, in a fresh empty workspace, under the
   * server's default limits, before any program is known; the process must then wait, without
   * using CPU, until its stdin gives it, in this order:
   * <ol>
   *   <li>one header line: the UTF-8 byte length {@code n} of the program in ASCII decimal and
   *       {@code \n};
   *   <li>exactly {@code n} bytes: the content of the single file that {@link #prepare} laid out
   *       for the program (for a runner that transpiles, the transpiled file);
   *   <li>the rest of stdin, until EOF: the program's own stdin.
   * </ol>
   * It must read exactly the header and the {@code n} bytes from fd 0 (no read-ahead that would
   * take the program's stdin), write the file under the name {@link #prepare} gives it in its
   * working directory (so tracebacks show source lines), and from then on behave exactly as the
   * cold run of {@link #prepare}'s run command would: the same module name, file name and argv
   * as seen by the program, the same exit codes and the same stdout and stderr. When stdin ends
   * before the header is complete, it exits quietly (the engine discarded it).
   *
   * <p>The engine uses a warm process only for a program without a compile step and with
   * exactly one file, whose run asks for the default limits; each process runs one program and
   * is then killed and discarded with its workspace. The program's wall time is counted from
   * the moment the program is sent; its CPU time includes the interpreter's own start.
   *
   * @param probe what {@link #probe} found (available)
   * @param settings the operator's settings for this language
   * @since 0.2
   */
  default Optional<Command> warmCommand(Probe probe, Settings settings) {
    return Optional.empty();
  }

  /**
   * Releases what the runner keeps (warm helper processes). Called once when the engine closes,
   * before the engine removes the helpers' group.
   */
  default void close() {}
}
