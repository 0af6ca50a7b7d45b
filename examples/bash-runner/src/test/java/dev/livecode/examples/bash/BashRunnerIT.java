package dev.livecode.examples.bash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.LanguageInfo;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.testing.LanguageRunnerContract;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class BashRunnerIT extends LanguageRunnerContract {

  @Override
  protected LanguageRunner runner() {
    return new BashRunner();
  }

  @Override
  protected String printLine(String text) {
    return "echo '" + text + "'\n";
  }

  @Override
  protected String infiniteLoop() {
    return "while :; do :; done\n";
  }

  @Override
  protected String crash() {
    return "set -e\necho 'about to fail' >&2\nfalse\n";
  }

  @Override
  protected String writeBytes(int bytes) {
    return "line=$(printf 'x%.0s' {1..63})\nfor ((i = 0; i < "
        + (bytes / 64 + 1)
        + "; i++)); do echo \"$line\"; done\n";
  }

  @Override
  protected String echoStdin() {
    return "cat\n";
  }

  @Test
  void serviceLoaderFindsBashRunner() {
    assertThat(ServiceLoader.load(LanguageRunner.class).stream().map(ServiceLoader.Provider::type))
        .containsExactly(BashRunner.class);
  }

  @Test
  void discoveredEngineRunsEchoHi() {
    // No .runner(..): the language comes from the jar on the class path alone.
    try (LivecodeEngine engine = Livecode.builder().workers(1).build()) {
      assertThat(engine.languages()).extracting(LanguageInfo::id).contains("bash");
      Session session = engine.createSession("sh", "echo hi\n");
      Execution done =
          engine.awaitExecution(
              engine.run(RunRequest.of(session.id())).id(), Duration.ofSeconds(30));

      assertThat(done.status()).isEqualTo(Execution.Status.COMPLETED);
      assertThat(done.result().orElseThrow().stdout()).isEqualTo("hi\n");
    }
  }
}
