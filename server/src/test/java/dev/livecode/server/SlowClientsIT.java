package dev.livecode.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.RawConnection;
import dev.livecode.http.testing.RawConnection.Answer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that send a request slowly, or part of one and stop, against the server jar with short
 * timeouts: they must neither hold /health up nor stay connected.
 */
class SlowClientsIT {
  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  private static final int HALF_SENT = 200;

  /** Longest /health may take while the server is under attack. */
  private static final Duration HEALTH_BOUND = Duration.ofSeconds(1);

  private static ServerProcess server;
  private final List<RawConnection> connections = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server =
        ServerProcess.start(
            List.of(),
            List.of(
                "--workers",
                "1",
                "--warm-pool",
                "0",
                "--ready-sandboxes",
                "0",
                "--header-timeout-ms",
                Long.toString(HEADER_TIMEOUT.toMillis()),
                "--request-timeout-ms",
                Long.toString(REQUEST_TIMEOUT.toMillis())));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeConnections() {
    connections.forEach(RawConnection::close);
  }

  @Test
  void healthAnswersWithinOneSecondWhileTwoHundredRequestsAreHalfSent() throws Exception {
    openHalfSent(HALF_SENT);

    for (int i = 0; i < 3; i++) {
      assertThat(timeHealth()).isLessThan(HEALTH_BOUND);
    }
  }

  @Test
  void dropsEveryHalfSentRequestSoonAfterTheHeaderTimeout() throws Exception {
    openHalfSent(HALF_SENT);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();

    int open = 0;
    for (RawConnection connection : connections) {
      if (!connection.closedWithin(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        open++;
      }
    }

    assertThat(open).as("half-sent connections still open after 60 s").isZero();
  }

  @Test
  void answers408ToABodyThatTricklesPastTheRequestTimeout() throws Exception {
    RawConnection connection = open();
    connection.send(
        "PATCH /code-sessions/"
            + UUID.randomUUID()
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
    long deadline = System.nanoTime() + REQUEST_TIMEOUT.plusSeconds(10).toNanos();
    Thread trickle =
        new Thread(
            () -> {
              try {
                while (System.nanoTime() < deadline) {
                  Thread.sleep(200);
                  connection.send(" ");
                }
              } catch (IOException | InterruptedException e) {
                // the server closed the connection: the trickle is over
              }
            },
            "livecode-test-trickle");
    trickle.setDaemon(true);
    trickle.start();

    Answer answer = connection.read();

    assertThat(answer.status()).isEqualTo(408);
    assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
    assertThat(HttpClientSupport.JSON.readTree(answer.body()).get("code").asText())
        .isEqualTo("REQUEST_TIMEOUT");
    assertThat(answer.closes()).isTrue();
  }

  @Test
  void dropsARequestWhoseBodyStopsComing() throws Exception {
    RawConnection connection = open();
    connection.send(
        "PATCH /code-sessions/"
            + UUID.randomUUID()
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{");

    assertThat(connection.closedWithin(Duration.ofSeconds(60))).isTrue();
  }

  @Test
  void dropsARequestWhoseDeclaredBodyNeverComesEvenWhenTheHandlerIgnoresBodies() throws Exception {
    // /health reads no body: the JDK server would read what is left when the exchange closes.
    RawConnection connection = open();
    connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n");

    assertThat(connection.closedWithin(Duration.ofSeconds(60))).isTrue();
    assertThat(timeHealth()).isLessThan(HEALTH_BOUND);
  }

  @Test
  void threadsThatServedDroppedRequestsServeTheNextOnesWhole() throws Exception {
    openHalfSent(HALF_SENT);
    for (RawConnection connection : connections) {
      assertThat(connection.closedWithin(Duration.ofSeconds(60))).isTrue();
    }
    RawConnection client = open();

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      statuses.add(
          client
              .send(
                  RawConnection.request(
                      "POST",
                      "/code-sessions",
                      "{\"language\":\"python\",\"source_code\":\"print(" + i + ")\"}"))
              .read()
              .status());
    }

    assertThat(statuses).containsOnly(200);
  }

  /** Connections that each sent the start of a request and stopped in its headers. */
  private void openHalfSent(int count) throws Exception {
    for (int i = 0; i < count; i++) {
      open().send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    }
    // Let the server take them all in: each now holds a request thread reading its headers.
    Thread.sleep(300);
  }

  private RawConnection open() throws IOException {
    RawConnection connection = RawConnection.open(server.port);
    connections.add(connection);
    return connection;
  }

  /** The time of GET /health on a new connection, as a client under attack sees it. */
  private static Duration timeHealth() throws IOException {
    long start = System.nanoTime();
    try (RawConnection connection = RawConnection.open(server.port, Duration.ofSeconds(5))) {
      Answer answer = connection.send(RawConnection.request("GET", "/health", null)).read();
      assertThat(answer.status()).isEqualTo(200);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
