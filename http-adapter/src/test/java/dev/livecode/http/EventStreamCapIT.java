package dev.livecode.http;

import static dev.livecode.http.testing.HttpClientSupport.object;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.SseConnection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The open event stream cap is the builder's, not a constant. */
class EventStreamCapIT {

  @Test
  void aServerBuiltForTwoEventStreamsRefusesTheThirdWith503() throws Exception {
    try (LivecodeEngine engine = Livecode.builder().workers(1).build();
        LivecodeHttpServer server =
            LivecodeHttpServer.builder(engine).port(0).maxEventStreams(2).start()) {
      HttpClientSupport http = new HttpClientSupport(server.port());
      String id = http.run(http.createSession("python", "input()"), object("interactive", true));
      String path = "/executions/" + id + "/events";
      try (SseConnection first = SseConnection.open(server.port(), path, Map.of());
          SseConnection second = SseConnection.open(server.port(), path, Map.of());
          SseConnection third = SseConnection.open(server.port(), path, Map.of())) {
        assertThat(first.next(Duration.ofSeconds(10))).isPresent();
        assertThat(second.next(Duration.ofSeconds(10))).isPresent();

        assertThat(third.status()).isEqualTo(503);
        assertThat(third.plainBody()).contains("TOO_MANY_STREAMS");
      } finally {
        http.post("/executions/" + id + "/cancel", object());
      }
    }
  }
}
