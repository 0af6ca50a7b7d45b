package dev.livecode.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.server.internal.RunningServer;
import dev.livecode.server.internal.ServerConfig;
import dev.livecode.server.internal.ServerLauncher;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --playground off}: the page and its files are gone, the API stays. */
class PlaygroundOffIT {

  @Test
  void servesNoPageWhenTurnedOff() {
    ServerConfig config =
        ServerConfig.parse(
            new String[] {"--port", "0", "--workers", "1", "--playground", "off"}, Map.of());
    try (RunningServer server = ServerLauncher.launch(config)) {
      HttpClientSupport http = new HttpClientSupport(server.port());

      HttpClientSupport.assertProblem(http.get("/"), 404, "NOT_FOUND");
      HttpClientSupport.assertProblem(http.get("/playground/app.js"), 404, "NOT_FOUND");
      assertThat(http.get("/languages").status()).isEqualTo(200);
    }
  }
}
