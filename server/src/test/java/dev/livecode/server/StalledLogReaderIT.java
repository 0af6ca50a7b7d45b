package dev.livecode.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.http.testing.HttpClientSupport;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server's stdout read by something that stops reading (a paused log collector, a full pipe):
 * the access line every request writes must not hold the request's thread.
 */
class StalledLogReaderIT {
  /**
   * A pipe holds 64 KiB, about 500 access lines; the server takes at most 1,024 requests at once,
   * so requests held by their log line would be refused before this many.
   */
  private static final int REQUESTS = 2_000;

  @Test
  void keepsAnsweringWhenNothingReadsItsOutput() throws Exception {
    try (ServerProcess server =
        ServerProcess.startWithUnreadOutput(
            List.of("--workers", "1", "--warm-pool", "0", "--ready-sandboxes", "0"))) {
      HttpClientSupport client = server.client();

      for (int i = 0; i < REQUESTS; i++) {
        assertThat(client.get("/health").status()).as("request %d", i).isEqualTo(200);
      }
    }
  }
}
