package dev.livecode.runner.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.spi.LanguageRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeRunnersTest {
  private static final LanguageRunner.Probe NODE =
      LanguageRunner.Probe.available("20.20.2", Path.of("/usr/bin/node"), List.of());

  @Test
  void javaScriptRunsMainJsWithOperatorFlagsFirst() {
    LanguageRunner.Settings settings =
        LanguageRunner.Settings.DEFAULTS.withExtraArgs(List.of("--stack-size=500"));

    LanguageRunner.Program program =
        new JavaScriptRunner().prepare("console.log(1)\n", NODE, settings);

    assertThat(program.files())
        .containsOnlyKeys("main.js")
        .containsEntry("main.js", "console.log(1)\n");
    assertThat(program.run().orElseThrow().argv())
        .containsExactly("/usr/bin/node", "--stack-size=500", "main.js");
  }

  @Test
  void namesBothLanguages() {
    assertThat(new JavaScriptRunner().id()).isEqualTo("javascript");
    assertThat(new JavaScriptRunner().aliases()).containsExactlyInAnyOrder("js", "node");
    assertThat(new TypeScriptRunner().id()).isEqualTo("typescript");
    assertThat(new TypeScriptRunner().aliases()).containsExactly("ts");
    assertThat(new TypeScriptRunner().displayName()).isEqualTo("TypeScript");
  }

  @Test
  void typeScriptIsUnavailableWithoutNode() {
    TypeScriptRunner runner = new TypeScriptRunner();

    LanguageRunner.Probe probe =
        runner.probe(
            LanguageRunner.Settings.DEFAULTS.withInterpreter(Path.of("/nonexistent/node")));

    assertThat(probe.available()).isFalse();
    assertThat(probe.unavailableReason())
        .hasValueSatisfying(reason -> assertThat(reason).contains("/nonexistent/node"));
    runner.close();
  }
}
