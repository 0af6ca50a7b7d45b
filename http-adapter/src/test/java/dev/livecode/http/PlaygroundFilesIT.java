package dev.livecode.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The playground's files as HTTP answers: types, caching, the Content-Security-Policy, no key
 * needed (PlaygroundPathsTest attacks its paths). The page itself is tested in a browser by the
 * server module.
 */
class PlaygroundFilesIT {
  private static final String KEY = "playground-files-key";

  private static LivecodeEngine engine;
  private static LivecodeHttpServer server;
  private static LivecodeHttpServer without;
  private static HttpClientSupport http;

  @BeforeAll
  static void start() {
    engine = Livecode.builder().workers(1).warmPool(0).readySandboxes(0).build();
    server =
        LivecodeHttpServer.builder(engine)
            .host("127.0.0.1")
            .port(0)
            .playground(true)
            .authenticator(
                key ->
                    Optional.ofNullable(
                        KEY.equals(key) ? new Authenticator.Tenant("t", false) : null))
            .start();
    without = LivecodeHttpServer.builder(engine).host("127.0.0.1").port(0).start();
    http = new HttpClientSupport(server.port());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (without != null) {
      without.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  private static HttpResponse<byte[]> get(String path, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    headers.forEach(request::header);
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void servesThePageAtTheRootWithoutAKey() {
    Reply page = http.get("/");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
    assertThat(page.raw().body()).contains("<script type=\"module\" src=\"/playground/app.js\">");
  }

  @Test
  void theApiStillNeedsAKey() {
    Reply create = http.post("/code-sessions", HttpClientSupport.object("language", "python"));

    HttpClientSupport.assertProblem(create, 401, "UNAUTHORIZED");
  }

  @Test
  void allowsOnlyTheServersOwnScriptsStylesAndApi() {
    Reply page = http.get("/");
    String csp = page.header("Content-Security-Policy");

    assertThat(csp)
        .startsWith("default-src 'none'; script-src 'self' 'sha256-")
        .contains(
            "style-src 'self'; connect-src 'self'; img-src 'self' data:",
            "frame-ancestors 'none'",
            "base-uri 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "*", "http:", "https:");
    assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
  }

  @Test
  void theScriptHashIsThatOfThePagesImportMap() throws Exception {
    Reply page = http.get("/");
    Matcher importMap =
        Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL)
            .matcher(page.raw().body());
    assertThat(importMap.find()).isTrue();
    String hash =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest(importMap.group(1).getBytes(StandardCharsets.UTF_8)));

    assertThat(page.header("Content-Security-Policy")).contains("'sha256-" + hash + "'");
    assertThat(importMap.group(1)).doesNotContain("${");
  }

  @Test
  void servesScriptsAndStylesWithTheirTypes() {
    assertThat(http.get("/playground/app.js").contentType())
        .isEqualTo("text/javascript; charset=utf-8");
    assertThat(http.get("/playground/style.css").contentType())
        .isEqualTo("text/css; charset=utf-8");
    assertThat(http.get("/playground/icon.svg").contentType()).isEqualTo("image/svg+xml");
  }

  @Test
  void thePagesFilesAreRevalidatedAndTheEditorsKeptForGood() {
    Reply page = http.get("/");
    String editorPath = editorPath(page.raw().body());

    assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(http.get("/playground/app.js").header("Cache-Control")).isEqualTo("no-cache");
    assertThat(http.get(editorPath).header("Cache-Control"))
        .isEqualTo("public, max-age=31536000, immutable");
  }

  @Test
  void gzipsForAClientThatAcceptsIt() throws Exception {
    String editorPath = editorPath(http.get("/").raw().body());
    HttpResponse<byte[]> plain = get(editorPath, Map.of());
    HttpResponse<byte[]> zipped = get(editorPath, Map.of("Accept-Encoding", "gzip"));

    assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(zipped.body().length).isLessThan(plain.body().length / 2);
    assertThat(gunzip(zipped.body())).isEqualTo(plain.body());
  }

  @Test
  void isNotServedUnlessTheEmbedderAsks() {
    HttpClientSupport plain = new HttpClientSupport(without.port());

    HttpClientSupport.assertProblem(plain.get("/"), 404, "NOT_FOUND");
    HttpClientSupport.assertProblem(plain.get("/playground/app.js"), 404, "NOT_FOUND");
  }

  /** The editor's path from the page's import map: it carries the version. */
  private static String editorPath(String page) {
    Matcher view =
        Pattern.compile("\"(/playground/vendor/codemirror__view-[^\"]+)\"").matcher(page);
    assertThat(view.find()).isTrue();
    return view.group(1);
  }

  private static byte[] gunzip(byte[] bytes) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }
}
