package dev.livecode.http.internal;

import dev.livecode.core.LanguageInfo;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.exception.QueueException;
import dev.livecode.core.exception.StoreException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps exceptions to problem documents (RFC 9457) by {@code instanceof} over the {@link
 * LivecodeException} hierarchy. Anything unmapped is a 500 with a generic detail and an error id
 * that is also logged with the stack trace: the trace never reaches the client.
 */
public final class Errors {
  private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

  /** How long a client should wait before retrying when the store or queue is unreachable. */
  static final String RETRY_AFTER_SECONDS = "1";

  private final Supplier<List<LanguageInfo>> languages;

  public Errors(Supplier<List<LanguageInfo>> languages) {
    this.languages = languages;
  }

  ApiException map(Throwable error) {
    if (error instanceof ApiException api) {
      return api;
    }
    if (error instanceof LivecodeException.SessionNotFound e) {
      return new ApiException(404, "SESSION_NOT_FOUND", e.getMessage());
    }
    if (error instanceof LivecodeException.ExecutionNotFound e) {
      return new ApiException(404, "EXECUTION_NOT_FOUND", e.getMessage());
    }
    if (error instanceof LivecodeException.ExecutionEvicted e) {
      // Gone, not unknown: it existed, and asking again will not bring it back.
      return new ApiException(410, "EXECUTION_EVICTED", e.getMessage());
    }
    if (error instanceof LivecodeException.VersionConflict e) {
      return new ApiException(
          409,
          "VERSION_CONFLICT",
          e.getMessage(),
          Map.of("current_version", e.currentVersion(), "expected_version", e.expectedVersion()),
          Map.of());
    }
    if (error instanceof LivecodeException.ExecutionConflict e) {
      return new ApiException(
          409,
          "EXECUTION_CONFLICT",
          e.getMessage(),
          Map.of("execution_status", e.status()),
          Map.of());
    }
    if (error instanceof LivecodeException.EventsExpired e) {
      return new ApiException(410, "EVENTS_EXPIRED", e.getMessage());
    }
    if (error instanceof LivecodeException.UnsupportedLanguage e) {
      // Known but its interpreter is missing here: 422, the request was fine but cannot be served
      // by this server. Not known at all: 400, like any other bad field value.
      return isKnownButUnavailable(e.language())
          ? new ApiException(422, "LANGUAGE_UNAVAILABLE", e.getMessage())
          : new ApiException(400, "UNSUPPORTED_LANGUAGE", e.getMessage());
    }
    if (error instanceof LivecodeException.QueueFull e) {
      long seconds = Math.max(1, e.retryAfter().toSeconds());
      return new ApiException(
          503,
          "QUEUE_FULL",
          e.getMessage(),
          Map.of(),
          Map.of("Retry-After", Long.toString(seconds)));
    }
    if (error instanceof LivecodeException.StoreFull e) {
      return new ApiException(
          503,
          "STORE_FULL",
          e.getMessage(),
          Map.of(),
          Map.of("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds()))));
    }
    if (error instanceof QueueException) {
      LOG.warn("queue unavailable error={}", error.toString());
      return new ApiException(
          503,
          "QUEUE_UNAVAILABLE",
          "the run queue is unreachable; retry shortly",
          Map.of(),
          Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }
    if (error instanceof StoreException) {
      LOG.warn("store unavailable error={}", error.toString());
      return new ApiException(
          503,
          "STORE_UNAVAILABLE",
          "the session store is unreachable; retry shortly",
          Map.of(),
          Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }
    if (error instanceof LivecodeException.InvalidRequest e) {
      return e.isTooLarge()
          ? new ApiException(413, "PAYLOAD_TOO_LARGE", e.getMessage())
          : new ApiException(400, "INVALID_REQUEST", e.getMessage());
    }
    String errorId = UUID.randomUUID().toString();
    LOG.error("request failed error_id={}", errorId, error);
    return new ApiException(
        500,
        "INTERNAL_ERROR",
        "an unexpected error occurred; quote error id " + errorId + " when reporting it",
        Map.of("error_id", errorId),
        Map.of());
  }

  private boolean isKnownButUnavailable(String language) {
    String name = language.toLowerCase(Locale.ROOT);
    try {
      return languages.get().stream()
          .anyMatch(
              info ->
                  !info.available() && (info.id().equals(name) || info.aliases().contains(name)));
    } catch (RuntimeException e) {
      return false;
    }
  }

  static Map<String, Object> problem(ApiException e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title(e.status()));
    body.put("status", e.status());
    body.put("detail", e.getMessage());
    body.put("code", e.code());
    e.extra().forEach(body::putIfAbsent);
    return body;
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Content";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Error";
    };
  }
}
