package dev.livecode.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.RawConnection;
import dev.livecode.http.testing.RawConnection.Answer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hundreds of clients long-polling one running program, against the server jar. */
class LongPollIT {
  private static final int POLLS = 300;
  private static final String SLEEPING = "import time\ntime.sleep(3)\nprint('done')";
  private static ServerProcess server;
  private static HttpClientSupport http;
  private final List<RawConnection> connections = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server =
        ServerProcess.start(
            List.of(), List.of("--workers", "1", "--warm-pool", "0", "--ready-sandboxes", "0"));
    http = server.client();
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
  void healthAnswersWithinOneSecondWhileThreeHundredLongPollsWait() throws Exception {
    poll(http.run(http.createSession("python", SLEEPING), null));

    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      try (RawConnection connection = RawConnection.open(server.port, Duration.ofSeconds(5))) {
        assertThat(connection.send(RawConnection.request("GET", "/health", null)).read().status())
            .isEqualTo(200);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void longPollsHoldNoThreadWhileTheyWait() throws Exception {
    String execution = http.run(http.createSession("python", SLEEPING), null);
    int before = serverThreads();

    poll(execution);
    int waiting = serverThreads();

    assertThat(http.get("/executions/" + execution).body().get("status").asText())
        .isIn("QUEUED", "RUNNING");
    assertThat(waiting - before)
        .as("threads started for %s waiting polls", POLLS)
        .isLessThan(POLLS / 10);
  }

  @Test
  void everyLongPollIsAnsweredWithTheEndOfTheRun() throws Exception {
    poll(http.run(http.createSession("python", SLEEPING), null));

    List<String> statuses = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    for (RawConnection connection : connections) {
      Answer answer = connection.read();
      assertThat(answer.status()).isEqualTo(200);
      JsonNode body = HttpClientSupport.JSON.readTree(answer.body());
      statuses.add(body.get("status").asText());
      outputs.add(body.get("stdout").asText());
    }

    assertThat(statuses).hasSize(POLLS).containsOnly("COMPLETED");
    assertThat(outputs).containsOnly("done\n");
  }

  /** Sends {@link #POLLS} long polls on the execution, each on its own connection. */
  private void poll(String execution) throws Exception {
    for (int i = 0; i < POLLS; i++) {
      RawConnection connection = RawConnection.open(server.port);
      connections.add(connection);
      connection.send(
          RawConnection.request("GET", "/executions/" + execution + "?wait_ms=20000", null));
    }
    // Let the server take them all in before anything is measured.
    Thread.sleep(500);
  }

  /** The server process's threads now. */
  private static int serverThreads() throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(server.pid()), "task"))) {
      return (int) tasks.count();
    }
  }
}
