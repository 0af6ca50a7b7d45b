package dev.livecode.http.internal;

import dev.livecode.core.EngineStatus;
import dev.livecode.core.Execution;
import dev.livecode.core.LanguageInfo;
import dev.livecode.core.Session;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON shapes of docs/api.md, snake_case, times as ISO-8601 UTC strings. */
final class Representations {
  private Representations() {}

  static Map<String, Object> session(Session session) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("session_id", session.id().toString());
    body.put("status", "ACTIVE");
    body.put("language", session.language());
    body.put("source_code", session.sourceCode());
    body.put("version", session.version());
    body.put("created_at", time(session.createdAt()));
    body.put("updated_at", time(session.updatedAt()));
    return body;
  }

  static Map<String, Object> execution(Execution execution) {
    return execution(execution, Optional.empty());
  }

  /** With {@code live}, the output so far of an execution that has no result yet. */
  static Map<String, Object> execution(Execution execution, Optional<Execution.Output> live) {
    Optional<Execution.Result> result = execution.result();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("execution_id", execution.id().toString());
    body.put("session_id", execution.sessionId().toString());
    body.put("language", execution.language());
    body.put("status", execution.status().name());
    body.put(
        "stdout",
        result.map(Execution.Result::stdout).orElse(live.map(Execution.Output::stdout).orElse("")));
    body.put(
        "stderr",
        result.map(Execution.Result::stderr).orElse(live.map(Execution.Output::stderr).orElse("")));
    body.put(
        "exit_code",
        result
            .flatMap(
                r ->
                    r.exitCode().isPresent()
                        ? Optional.of(r.exitCode().getAsInt())
                        : Optional.empty())
            .orElse(null));
    body.put(
        "failure_reason",
        result.flatMap(Execution.Result::failureReason).map(Enum::name).orElse(null));
    body.put("stdout_truncated", result.map(Execution.Result::stdoutTruncated).orElse(false));
    body.put("stderr_truncated", result.map(Execution.Result::stderrTruncated).orElse(false));
    body.put("execution_time_ms", result.map(r -> r.executionTime().toMillis()).orElse(null));
    body.put("queued_at", time(execution.queuedAt()));
    body.put("started_at", execution.startedAt().map(Representations::time).orElse(null));
    body.put("finished_at", result.map(r -> time(r.finishedAt())).orElse(null));
    return body;
  }

  static Map<String, Object> runAccepted(Execution execution) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("execution_id", execution.id().toString());
    body.put("status", execution.status().name());
    return body;
  }

  static Map<String, Object> language(LanguageInfo info) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", info.id());
    body.put("name", info.name());
    body.put("version", info.version());
    body.put("aliases", info.aliases());
    body.put("available", info.available());
    body.put("unavailable_reason", info.unavailableReason().orElse(null));
    body.put("note", info.note().orElse(null));
    return body;
  }

  static Map<String, Object> health(EngineStatus status) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status.up() ? "UP" : "DOWN");
    body.put("isolation", status.isolation().name().toLowerCase(java.util.Locale.ROOT));
    body.put("enforced_limits", List.copyOf(status.enforcedLimits()));
    body.put("protections", List.copyOf(status.protections()));
    if (!status.sandboxGaps().isEmpty()) {
      body.put("sandbox_gaps", List.copyOf(status.sandboxGaps()));
    }
    body.put("workers", status.workers());
    body.put(
        "queue_depth", status.queueDepth().isPresent() ? status.queueDepth().getAsLong() : null);
    body.put(
        "live_workers", status.liveWorkers().isPresent() ? status.liveWorkers().getAsLong() : null);
    if (!status.up()) {
      body.put("problem", status.problem());
    }
    return body;
  }

  /**
   * Millisecond precision, fixed width: every store keeps at least that, so a time reads the same
   * after a restart.
   */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  static String time(Instant instant) {
    return TIME.format(instant);
  }
}
