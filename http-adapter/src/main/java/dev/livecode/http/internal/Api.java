package dev.livecode.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livecode.core.EngineStatus;
import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.Page;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.exception.LivecodeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/** The endpoints of docs/api.md over a {@link LivecodeEngine}. */
public final class Api {
  /** Longest {@code wait_ms}: published as {@code LivecodeHttpServer.MAX_WAIT}. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(30);

  private static final long MAX_WAIT_MS = MAX_WAIT.toMillis();
  private static final long MIB = 1024L * 1024L;
  private static final Set<String> LIMIT_FIELDS =
      Set.of(
          "wall_time_ms",
          "cpu_time_ms",
          "memory_mb",
          "max_processes",
          "max_file_bytes",
          "max_output_bytes");
  private static final Pattern UUID_PATTERN =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern IF_MATCH = Pattern.compile("\\s*(?:W/)?\"?(\\d{1,18})\"?\\s*");

  private final LivecodeEngine engine;
  private final ObjectMapper json;
  private final boolean owned;

  private final Quotas quotas;

  /** A server without keys or quotas: every request is the same tenant's. */
  public Api(LivecodeEngine engine, ObjectMapper json) {
    this(
        engine,
        json,
        false,
        new Quotas(
            new MemoryQuotaCounters(), dev.livecode.http.Authenticator.Quota.DEFAULT, engine));
  }

  private final LiveApi live;

  /**
   * Sizes are the engine's to check ({@link LivecodeEngine#sizeCaps()}): a source or stdin over
   * them comes back as a 413 through {@link Errors}.
   *
   * @param owned whether a request sees only its tenant's sessions and executions (a server with
   *     keys); without, every request is the same tenant's and nothing is checked
   * @param quotas what holds tenants to their quotas
   */
  public Api(LivecodeEngine engine, ObjectMapper json, boolean owned, Quotas quotas) {
    this(engine, json, owned, quotas, LiveApi.DEFAULT_MAX_OPEN_STREAMS);
  }

  /**
   * @param maxOpenStreams event streams open at once; beyond, 503 TOO_MANY_STREAMS
   */
  public Api(
      LivecodeEngine engine, ObjectMapper json, boolean owned, Quotas quotas, int maxOpenStreams) {
    this.engine = engine;
    this.json = json;
    this.owned = owned;
    this.quotas = quotas;
    this.live = new LiveApi(engine, json, this, quotas, maxOpenStreams);
  }

  /** Every endpoint of docs/api.md. */
  public Router routes() {
    return healthOnly()
        .add("POST", "/code-sessions", this::createSession)
        .add("GET", "/code-sessions/:id", this::getSession)
        .add("PATCH", "/code-sessions/:id", this::updateSession)
        .add("GET", "/code-sessions/:id/executions", this::listExecutions)
        .add("POST", "/code-sessions/:id/run", this::run)
        .add("GET", "/openapi.json", this::openApi)
        .addDeferred("GET", "/executions/:id", this::getExecution)
        .addDeferred("GET", "/executions/:id/events", live::events)
        .add("POST", "/executions/:id/stdin", live::stdin)
        .add("POST", "/executions/:id/cancel", live::cancel)
        .add("GET", "/languages", this::languages);
  }

  /** Only {@code GET /health}: what a worker node serves. */
  public Router healthOnly() {
    return new Router().add("GET", "/health", this::health);
  }

  Response createSession(Request request) {
    JsonNode body = object(request.body(), true);
    String language = requiredString(body, "language");
    String source = optionalString(body, "source_code").orElse("");
    quotas.admitSession(request.principal());
    Session session = engine.createSession(request.tenant(), language, source);
    return Response.ok(Representations.session(session))
        .withHeader("Location", "/code-sessions/" + session.id());
  }

  Response getSession(Request request) {
    return Response.ok(Representations.session(session(request, id(request, "session"))));
  }

  Response updateSession(Request request) {
    UUID id = id(request, "session");
    JsonNode body = object(request.body(), true);
    Optional<String> source = optionalString(body, "source_code");
    Optional<String> language = optionalString(body, "language");
    OptionalLong expected = expectedVersion(body, request.header("If-Match"));
    if (source.isEmpty() && language.isEmpty()) {
      throw ApiException.invalidField("the body needs source_code or language (or both)");
    }
    session(request, id);
    Session.Update update = new Session.Update(id, source, language, expected);
    return Response.ok(Representations.session(engine.updateSession(update)));
  }

  Response listExecutions(Request request) {
    UUID id = id(request, "session");
    int limit =
        (int) longParam(request, "limit", Page.Request.DEFAULT_LIMIT, 1, Page.Request.MAX_LIMIT);
    Optional<String> cursor = request.query("cursor").filter(c -> !c.isEmpty());
    session(request, id);
    Page<Execution> page = engine.executions(id, new Page.Request(limit, cursor));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("executions", page.items().stream().map(Representations::execution).toList());
    body.put("next_cursor", page.nextCursor().orElse(null));
    return Response.ok(body);
  }

  Response run(Request request) {
    UUID id = id(request, "session");
    byte[] raw = request.body();
    if (owned) {
      // Another tenant's session is answered as unknown before anything is asked of it; without
      // keys the run's own read answers an unknown id, so a run reads the session once.
      session(request, id);
    }
    RunRequest run = RunRequest.of(id);
    if (!isBlank(raw)) {
      JsonNode body = object(raw, false);
      Optional<String> stdin = optionalString(body, "stdin");
      if (stdin.isPresent()) {
        run = run.withStdin(stdin.get());
      }
      run = run.withLimits(limits(body.get("limits")));
      run = run.withInteractive(LiveApi.optionalBoolean(body, "interactive").orElse(false));
    }
    run = run.withCaps(request.principal().caps());
    Optional<String> key = request.header("Idempotency-Key");
    if (key.isPresent()) {
      run = run.withIdempotencyKey(key.get());
    }
    Quotas.Slot slot = quotas.admitRun(request.principal());
    Execution execution;
    try {
      execution = engine.run(run);
    } catch (RuntimeException | Error e) {
      slot.release();
      throw e;
    }
    slot.queued(execution.id());
    return Response.ok(Representations.runAccepted(execution))
        .withHeader("Location", "/executions/" + execution.id());
  }

  /** With {@code wait_ms}, the request is parked on the engine's future, holding no thread. */
  CompletionStage<Response> getExecution(Request request) {
    UUID id = id(request, "execution");
    long waitMs = longParam(request, "wait_ms", 0, 0, MAX_WAIT_MS);
    if (waitMs == 0) {
      return CompletableFuture.completedFuture(withOutputSoFar(execution(request, id)));
    }
    if (owned) {
      // Another tenant's execution is answered as unknown before anything waits on it; without
      // keys the wait's own read answers an unknown id, so the long poll reads the store once.
      execution(request, id);
    }
    return engine
        .awaitExecutionAsync(id, Duration.ofMillis(waitMs))
        .thenApply(this::withOutputSoFar);
  }

  /** A running execution shows what it has written so far. */
  private Response withOutputSoFar(Execution execution) {
    Optional<Execution.Output> live =
        execution.isFinished() ? Optional.empty() : engine.outputSoFar(execution.id());
    return Response.ok(Representations.execution(execution, live));
  }

  Response openApi(Request request) {
    return OpenApiDocument.response();
  }

  Response languages(Request request) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("languages", engine.languages().stream().map(Representations::language).toList());
    body.put("isolation", Representations.health(engine.status()).get("isolation"));
    return Response.ok(body);
  }

  Response health(Request request) {
    EngineStatus status = engine.status();
    return Response.json(status.up() ? 200 : 503, Representations.health(status));
  }

  // --- ownership ------------------------------------------------------------------------------

  /**
   * The session, when it is the request's tenant's; another tenant's is answered exactly as one
   * that does not exist, so that ids tell nobody what others have.
   */
  Session session(Request request, UUID id) {
    Session session = engine.getSession(id);
    if (owned && !session.owner().equals(request.tenant())) {
      throw new LivecodeException.SessionNotFound(id);
    }
    return session;
  }

  /**
   * The execution, when its session is the request's tenant's (an execution belongs to the owner of
   * its session, which never changes); another tenant's is answered as one that does not exist.
   */
  Execution execution(Request request, UUID id) {
    Execution execution;
    try {
      execution = engine.getExecution(id);
    } catch (LivecodeException.ExecutionEvicted e) {
      // Gone (410) is news only for its owner; to anybody else it is an unknown id.
      if (owned && !e.sessionId().map(session -> owns(request, session)).orElse(false)) {
        throw new LivecodeException.ExecutionNotFound(id);
      }
      throw e;
    }
    if (owned && !owns(request, execution.sessionId())) {
      throw new LivecodeException.ExecutionNotFound(id);
    }
    return execution;
  }

  /**
   * Answers another tenant's execution as unknown, as {@link #execution} does; without keys there
   * is no other tenant, and the caller's own read of the execution answers an unknown id, so that
   * nothing reads the store twice for it.
   */
  void checkOwner(Request request, UUID id) {
    if (owned) {
      execution(request, id);
    }
  }

  private boolean owns(Request request, UUID sessionId) {
    return engine
        .findSession(sessionId)
        .map(session -> session.owner().equals(request.tenant()))
        .orElse(false);
  }

  // --- request parsing --------------------------------------------------------------------------

  JsonNode object(byte[] raw, boolean required) {
    if (isBlank(raw)) {
      if (required) {
        throw ApiException.badRequest("MALFORMED_JSON", "the request needs a JSON object body");
      }
      return json.createObjectNode();
    }
    JsonNode node;
    try {
      node = json.readTree(raw);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          "MALFORMED_JSON", "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw ApiException.badRequest("MALFORMED_JSON", "the body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("MALFORMED_JSON", "the body must be a JSON object");
    }
    return node;
  }

  private static boolean isBlank(byte[] raw) {
    for (byte b : raw) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private static String requiredString(JsonNode body, String field) {
    return optionalString(body, field)
        .orElseThrow(() -> ApiException.invalidField(field + " is required"));
  }

  static Optional<String> optionalString(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw ApiException.invalidField(field + " must be a string, was " + describe(value));
    }
    return Optional.of(value.textValue());
  }

  private static OptionalLong expectedVersion(JsonNode body, Optional<String> ifMatch) {
    JsonNode value = body.get("expected_version");
    OptionalLong fromBody = OptionalLong.empty();
    if (value != null && !value.isNull()) {
      if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1) {
        throw ApiException.invalidField(
            "expected_version must be a positive integer, was " + describe(value));
      }
      fromBody = OptionalLong.of(value.longValue());
    }
    if (ifMatch.isEmpty()) {
      return fromBody;
    }
    var matcher = IF_MATCH.matcher(ifMatch.get());
    if (!matcher.matches()) {
      throw ApiException.badRequest("INVALID_HEADER", "If-Match must be a version such as \"3\"");
    }
    long fromHeader = Long.parseLong(matcher.group(1));
    if (fromBody.isPresent() && fromBody.getAsLong() != fromHeader) {
      throw ApiException.invalidField(
          "expected_version " + fromBody.getAsLong() + " differs from If-Match " + fromHeader);
    }
    return OptionalLong.of(fromHeader);
  }

  private Limits.Overrides limits(JsonNode node) {
    Limits.Overrides limits = Limits.Overrides.NONE;
    if (node == null || node.isNull()) {
      return limits;
    }
    if (!node.isObject()) {
      throw ApiException.invalidField("limits must be an object, was " + describe(node));
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!LIMIT_FIELDS.contains(name)) {
        throw ApiException.invalidField(
            "unknown limit '"
                + name
                + "'; known: "
                + List.copyOf(new java.util.TreeSet<>(LIMIT_FIELDS)));
      }
      JsonNode value = node.get(name);
      if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1) {
        throw ApiException.invalidField(
            "limits." + name + " must be a positive integer, was " + describe(value));
      }
      long v = value.longValue();
      limits =
          switch (name) {
            case "wall_time_ms" -> limits.withWallTime(Duration.ofMillis(v));
            case "cpu_time_ms" -> limits.withCpuTime(Duration.ofMillis(v));
            case "memory_mb" ->
                limits.withMemoryBytes(v > Long.MAX_VALUE / MIB ? Long.MAX_VALUE : v * MIB);
            case "max_processes" -> limits.withMaxProcesses((int) Math.min(Integer.MAX_VALUE, v));
            case "max_file_bytes" -> limits.withMaxFileBytes(v);
            default -> limits.withMaxOutputBytes(v);
          };
    }
    return limits;
  }

  static UUID id(Request request, String kind) {
    String raw = request.pathParam("id");
    if (raw == null || !UUID_PATTERN.matcher(raw).matches()) {
      throw ApiException.badRequest(
          "INVALID_ID", "'" + abbreviate(raw) + "' is not a " + kind + " id (a UUID)");
    }
    return UUID.fromString(raw);
  }

  static long longParam(Request request, String name, long fallback, long min, long max) {
    Optional<String> raw = request.query(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(raw.get().trim());
      if (value < min || value > max) {
        throw ApiException.badRequest(
            "INVALID_PARAMETER", name + " must be " + min + " to " + max + ", was " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "INVALID_PARAMETER", name + " must be an integer, was '" + abbreviate(raw.get()) + "'");
    }
  }

  static String describe(JsonNode value) {
    return switch (value.getNodeType()) {
      case NULL -> "null";
      case NUMBER -> "the number " + abbreviate(value.asText());
      case BOOLEAN -> value.asText();
      case STRING -> "a string";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String abbreviate(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= 64 ? value : value.substring(0, 64) + "…";
  }
}
