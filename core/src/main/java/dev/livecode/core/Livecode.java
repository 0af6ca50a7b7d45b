package dev.livecode.core;

/**
 * The entry point.
 *
 * <pre>{@code
 * try (LivecodeEngine engine = Livecode.builder().build()) {
 *   Session s = engine.createSession("python", "print('hi')");
 *   Execution e = engine.run(RunRequest.of(s.id()));
 *   System.out.println(engine.awaitExecution(e.id(), Duration.ofSeconds(10)).result());
 * }
 * }</pre>
 */
public final class Livecode {
  private Livecode() {}

  public static LivecodeBuilder builder() {
    return new LivecodeBuilder();
  }
}
