package dev.livecode.http.internal;

import java.util.Map;
import java.util.Objects;

/**
 * A request the adapter answers with a problem document: the status, a machine-readable code and a
 * detail for people. Extra members (for example {@code current_version}) join the body.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;
  private final transient Map<String, Object> extra;
  private final transient Map<String, String> headers;

  public ApiException(int status, String code, String detail) {
    this(status, code, detail, Map.of(), Map.of());
  }

  public ApiException(
      int status,
      String code,
      String detail,
      Map<String, Object> extra,
      Map<String, String> headers) {
    super(detail, null, false, false);
    this.status = status;
    this.code = Objects.requireNonNull(code, "code");
    this.extra = Map.copyOf(extra);
    this.headers = Map.copyOf(headers);
  }

  public static ApiException badRequest(String code, String detail) {
    return new ApiException(400, code, detail);
  }

  public static ApiException invalidField(String detail) {
    return new ApiException(400, "INVALID_FIELD", detail);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, Object> extra() {
    return extra;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
