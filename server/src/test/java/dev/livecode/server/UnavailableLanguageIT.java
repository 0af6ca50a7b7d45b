package dev.livecode.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
import dev.livecode.server.internal.RunningServer;
import dev.livecode.server.internal.ServerConfig;
import dev.livecode.server.internal.ServerLauncher;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * A known language whose interpreter is missing: listed as unavailable with why, and a run of it is
 * a 422.
 */
class UnavailableLanguageIT {

  @Test
  void runOfALanguageWithoutItsInterpreterIs422AndLanguagesSaysWhy() {
    ServerConfig config =
        ServerConfig.parse(
            new String[] {"--port", "0", "--workers", "1", "--python", "/nonexistent/python3"},
            Map.of());
    try (RunningServer server = ServerLauncher.launch(config)) {
      HttpClientSupport http = new HttpClientSupport(server.port());

      JsonNode python =
          StreamSupport.stream(http.get("/languages").body().get("languages").spliterator(), false)
              .filter(l -> l.get("id").asText().equals("python"))
              .findFirst()
              .orElseThrow();
      String session = http.createSession("python", "print(1)");
      Reply run = http.send("POST", "/code-sessions/" + session + "/run", null, null, Map.of());

      assertThat(python.get("available").asBoolean()).isFalse();
      assertThat(python.get("unavailable_reason").asText()).isNotBlank();
      HttpClientSupport.assertProblem(run, 422, "LANGUAGE_UNAVAILABLE");
      assertThat(run.body().get("detail").asText()).contains("python");
    }
  }
}
