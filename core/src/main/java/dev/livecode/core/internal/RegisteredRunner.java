package dev.livecode.core.internal;

import dev.livecode.core.LanguageInfo;
import dev.livecode.core.spi.LanguageRunner;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A runner with what its probe found at start and the operator's settings for it. */
record RegisteredRunner(
    LanguageRunner runner,
    LanguageRunner.Probe probe,
    LanguageRunner.Settings settings,
    Optional<String> note) {

  RegisteredRunner(
      LanguageRunner runner, LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
    this(runner, probe, settings, Optional.empty());
  }

  String id() {
    return runner.id();
  }

  LanguageRunner.Program prepare(String sourceCode) {
    return runner.prepare(sourceCode, probe, settings);
  }

  /** Prepares a run's program within the run's wall time. */
  LanguageRunner.Program prepare(String sourceCode, Duration timeLimit) {
    return runner.prepare(sourceCode, probe, settings, timeLimit);
  }

  LanguageInfo info() {
    return new LanguageInfo(
        runner.id(),
        runner.displayName(),
        probe.version(),
        runner.aliases().stream().sorted().toList(),
        probe.available(),
        probe.unavailableReason(),
        note);
  }

  List<String> names() {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(runner.id()), runner.aliases().stream())
        .toList();
  }
}
