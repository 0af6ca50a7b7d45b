package dev.livecode.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
import dev.livecode.http.testing.RawConnection.Answer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks real exchanges with a server against an OpenAPI document with a validator library: the
 * operation is looked up by method and path, and the status, the declared headers, the content type
 * and the body of the answer must be what the document says (and, for a well-formed request, the
 * request too). Members of a JSON body the document does not name are errors.
 */
final class OpenApiCheck {
  private final String document;
  private final OpenApiInteractionValidator validator;

  /**
   * @throws OpenApiInteractionValidator.ApiLoadException when the document is not valid OpenAPI
   */
  OpenApiCheck(String document) {
    this.document = document;
    this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(document).build();
  }

  /**
   * One request as it was sent, and what came back (the body also as text, for the test's own
   * checks).
   */
  record Exchange(SimpleRequest request, SimpleResponse response, int status, String body) {
    static Exchange of(SimpleRequest request, Reply reply) {
      return new Exchange(request, simple(reply), reply.status(), reply.raw().body());
    }

    static Exchange of(SimpleRequest request, Answer answer) {
      return new Exchange(request, simple(answer), answer.status(), answer.body());
    }
  }

  /** A request that {@link HttpClientSupport#send} then sends. */
  static SimpleRequest request(
      String method,
      String pathAndQuery,
      String contentType,
      String body,
      Map<String, String> headers) {
    URI uri = URI.create(pathAndQuery);
    SimpleRequest.Builder request = new SimpleRequest.Builder(method, uri.getRawPath());
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        String[] parts = pair.split("=", 2);
        request.withQueryParam(decode(parts[0]), parts.length > 1 ? decode(parts[1]) : "");
      }
    }
    if (contentType != null) {
      request.withContentType(contentType);
    }
    if (body != null) {
      request.withBody(body);
    }
    headers.forEach(request::withHeader);
    return request.build();
  }

  private static SimpleResponse simple(Reply reply) {
    SimpleResponse.Builder response = SimpleResponse.Builder.status(reply.status());
    reply.raw().headers().map().forEach(response::withHeader);
    if (!reply.raw().body().isEmpty()) {
      response.withBody(reply.raw().body());
    }
    return response.build();
  }

  private static SimpleResponse simple(Answer answer) {
    SimpleResponse.Builder response = SimpleResponse.Builder.status(answer.status());
    answer.headers().forEach(response::withHeader);
    if (!answer.body().isEmpty()) {
      response.withBody(answer.body());
    }
    return response.build();
  }

  /** The request and its answer both conform to the operation. */
  void assertConforms(Exchange exchange) {
    assertClean(validator.validate(exchange.request(), exchange.response()), exchange);
  }

  /**
   * The answer conforms, for a request that breaks the document on purpose (bad JSON, a wrong
   * type).
   */
  void assertAnswerConforms(Exchange exchange) {
    assertClean(
        validator.validateResponse(
            exchange.request().getPath(), exchange.request().getMethod(), exchange.response()),
        exchange);
  }

  /**
   * The answer to a request that no operation of the document takes (a method the path does not
   * list, a path no endpoint has) conforms to the document's reusable response {@code component},
   * which its description says every such request gets. The check adds that operation to {@code
   * documentPath} (a new path, or one of the document's) and validates against it.
   */
  void assertAnswerConformsTo(String component, String documentPath, Exchange exchange) {
    Request request = exchange.request();
    ObjectNode tree;
    try {
      tree = (ObjectNode) HttpClientSupport.JSON.readTree(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode paths = (ObjectNode) tree.get("paths");
    ObjectNode path =
        paths.has(documentPath)
            ? (ObjectNode) paths.get(documentPath)
            : paths.putObject(documentPath);
    assertThat(path.has(method(request)))
        .as("the document lists %s %s", request.getMethod(), documentPath)
        .isFalse();
    path.putObject(method(request))
        .putObject("responses")
        .putObject(Integer.toString(exchange.status()))
        .put("$ref", "#/components/responses/" + component);
    OpenApiInteractionValidator synthetic =
        OpenApiInteractionValidator.createForInlineApiSpecification(tree.toString()).build();
    assertClean(
        synthetic.validateResponse(request.getPath(), request.getMethod(), exchange.response()),
        exchange);
  }

  private static String method(Request request) {
    return request.getMethod().name().toLowerCase(Locale.ROOT);
  }

  private static void assertClean(ValidationReport report, Exchange exchange) {
    List<ValidationReport.Message> problems =
        report.getMessages().stream()
            .filter(
                m ->
                    m.getLevel() == ValidationReport.Level.ERROR
                        || m.getLevel() == ValidationReport.Level.WARN)
            .toList();
    assertThat(problems)
        .as(
            "%s %s answered %s%s",
            exchange.request().getMethod(),
            exchange.request().getPath(),
            exchange.status(),
            "\n"
                + SimpleValidationReportFormat.getInstance().apply(report)
                + "\nbody: "
                + exchange.body())
        .isEmpty();
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }
}
