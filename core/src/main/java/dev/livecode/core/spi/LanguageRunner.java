package dev.livecode.core.spi;

import java.util.Set;

/**
 * A language plugin: a jar with one implementation and one line in
 * {@code META-INF/services/dev.livecode.core.spi.LanguageRunner}. It says how to lay out a
 * program and what to run; it knows nothing of the sandbox, the queue or the store.
 *
 * <p>The engine calls {@link #probe} once at start and {@link #prepare} once per run, from any
 * thread. Implementations need a public no-argument constructor.
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
  RunnerProbe probe(RunnerSettings settings);

  /**
   * Lays out one program: its files, an optional compile step, and the command that runs it.
   * May instead return {@link Program#compileError} when the runner compiles in-process.
   *
   * @param sourceCode the user's source, never null
   * @param probe what {@link #probe} found
   * @param settings the operator's settings for this language
   */
  Program prepare(String sourceCode, RunnerProbe probe, RunnerSettings settings);

  /** Releases what the runner keeps (warm helper processes). Called once when the engine closes. */
  default void close() {}
}
