package dev.livecode.benchmarks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The benchmark measures the server as the project starts it. */
class ServerProcessTest {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

  @Test
  void startsTheServerWithTheJvmOptionsOfTheStartScript() throws Exception {
    String script = Files.readString(REPO.resolve("scripts/start.sh"));

    assertThat(ServerProcess.LAUNCH_JVM_ARGS)
        .allSatisfy(option -> assertThat(script).contains("exec java " + option));
  }

  @Test
  void startsTheServerWithTheJvmOptionsOfTheDockerfile() throws Exception {
    String dockerfile = Files.readString(REPO.resolve("Dockerfile"));

    assertThat(ServerProcess.LAUNCH_JVM_ARGS)
        .allSatisfy(option -> assertThat(dockerfile).contains("\"" + option + "\", \"-jar\""));
  }
}
