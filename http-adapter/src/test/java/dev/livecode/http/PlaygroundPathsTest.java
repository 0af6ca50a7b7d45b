package dev.livecode.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.testing.RawConnection;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No request path reaches past the playground's files. A unit test on purpose: surefire runs it
 * with the classes as a folder, where a class loader resolves {@code vendor/../app.js} to a real
 * file (a jar has no such entry), so that it fails if the names were not checked.
 */
class PlaygroundPathsTest {
  private static LivecodeEngine engine;
  private static LivecodeHttpServer server;

  @BeforeAll
  static void start() {
    engine = Livecode.builder().workers(1).warmPool(0).readySandboxes(0).build();
    // Without keys, so that a path no route has is a 404 rather than a 401.
    server = LivecodeHttpServer.builder(engine).host("127.0.0.1").port(0).playground(true).start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/playground/vendor/../app.js",
        "/playground/vendor/..%2F/app.js",
        "/playground/vendor/%2e%2e/app.js",
        "/playground/..",
        "/playground/%2e%2e%2fopenapi.json",
        "/playground/..%2fopenapi.json",
        "/playground/..%5copenapi.json",
        "/playground/vendor/../../openapi.json",
        "/playground/%2Fetc%2Fpasswd",
        "/playground/vendor/%2Fetc/passwd",
        "/playground/.hidden.js",
        "/playground/Playground.class",
        "/playground/vendor/codemirror__view/index.js",
        "/playground/nothing.js",
        "/../../etc/passwd",
        "/playground/vendor/..../app.js",
      })
  void answers404ForAnyPathOutOfItsFiles(String path) throws IOException {
    try (RawConnection connection = RawConnection.open(server.port())) {
      RawConnection.Answer answer =
          connection.send(RawConnection.request("GET", path, null)).read();

      assertThat(answer.status()).as(path).isEqualTo(404);
      assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
    }
  }
}
