package dev.livecode.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.RawConnection;
import dev.livecode.http.testing.RawConnection.Answer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Request headers over the 16 KiB limit, against the server jar with its defaults. */
class HeaderLimitIT {
  private static ServerProcess server;

  @BeforeAll
  static void start() throws Exception {
    server =
        ServerProcess.start(
            List.of(), List.of("--workers", "1", "--warm-pool", "0", "--ready-sandboxes", "0"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void servesRequestHeadersJustUnderTheLimit() throws Exception {
    try (RawConnection connection = RawConnection.open(server.port)) {
      assertThat(connection.send(withHeader(15 * 1024)).read().status()).isEqualTo(200);
    }
  }

  @Test
  void answers431ProblemToRequestHeadersOverSixteenKibibytes() throws Exception {
    try (RawConnection connection = RawConnection.open(server.port)) {
      Answer answer = connection.send(withHeader(20 * 1024)).read();

      assertThat(answer.status()).isEqualTo(431);
      assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
      assertThat(HttpClientSupport.JSON.readTree(answer.body()).get("code").asText())
          .isEqualTo("HEADERS_TOO_LARGE");
      assertThat(answer.closes()).isTrue();
    }
  }

  @Test
  void refusesASixtyFourKibibyteHeaderLineWith431OrByClosing() throws Exception {
    try (RawConnection connection = RawConnection.open(server.port)) {
      Answer answer;
      try {
        answer = connection.send(withHeader(64 * 1024)).read();
      } catch (IOException e) {
        return; // the JDK server cut the connection while reading the header: refused
      }
      assertThat(answer.status()).isEqualTo(431);
    }
  }

  /** GET /health with one header line of {@code valueBytes} bytes of value. */
  private static String withHeader(int valueBytes) {
    return "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Large: "
        + "a".repeat(valueBytes)
        + "\r\n\r\n";
  }
}
