package dev.livecode.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI description of the API ({@code GET /openapi.json}), a resource of this jar read on
 * first use. Unlike every other answer it may be cached: it changes only with the server's version.
 */
final class OpenApiDocument {
  static final String RESOURCE = "/dev/livecode/http/openapi.json";

  /** An hour: long enough to spare clients the download, short enough to see an upgrade soon. */
  static final String CACHE_CONTROL = "public, max-age=3600";

  private static volatile Response response;

  private OpenApiDocument() {}

  /**
   * The answer, the same every time.
   *
   * @throws UncheckedIOException when the jar lacks the document (a build fault: a 500 names it)
   */
  static Response response() {
    Response cached = response;
    if (cached == null) {
      // Two first requests at once both read it, harmlessly.
      cached = Response.ok(read()).withHeader("Cache-Control", CACHE_CONTROL);
      response = cached;
    }
    return cached;
  }

  private static JsonNode read() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("resource not found");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
    }
  }
}
