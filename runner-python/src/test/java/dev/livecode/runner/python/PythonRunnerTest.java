package dev.livecode.runner.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.runner.python.internal.Bootstrap;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PythonRunnerTest {
  private static final LanguageRunner.Probe PROBE =
      LanguageRunner.Probe.available(
          "3.11.7", Path.of("/opt/python/bin/python3.11"), List.of(Path.of("/opt/python")));

  @Test
  void writesSourceToMainPyAndRunsItWithTheProbedInterpreter() {
    LanguageRunner.Program program =
        new PythonRunner().prepare("print(1)\n", PROBE, LanguageRunner.Settings.DEFAULTS);

    assertThat(program.files()).containsOnlyKeys("main.py").containsEntry("main.py", "print(1)\n");
    assertThat(program.compile()).isEmpty();
    assertThat(program.run().orElseThrow().argv())
        .containsExactly(
            "/opt/python/bin/python3.11",
            "-S",
            "-I",
            "-u",
            "-c",
            Bootstrap.RUN,
            Bootstrap.ON_ERROR);
  }

  @Test
  void bootstrapRunsTheFileTheSourceIsWrittenTo() {
    assertThat(Bootstrap.RUN).contains("open('" + PythonRunner.MAIN_FILE + "', 'rb')");
    assertThat(Bootstrap.ARGS).containsExactly("-c", Bootstrap.RUN, Bootstrap.ON_ERROR);
  }

  @Test
  void putsOperatorFlagsBeforeTheProgram() {
    LanguageRunner.Settings settings =
        LanguageRunner.Settings.DEFAULTS.withExtraArgs(List.of("-X", "utf8", "-B"));

    LanguageRunner.Program program = new PythonRunner().prepare("pass\n", PROBE, settings);

    assertThat(program.run().orElseThrow().argv())
        .containsExactly(
            "/opt/python/bin/python3.11",
            "-S",
            "-I",
            "-u",
            "-X",
            "utf8",
            "-B",
            "-c",
            Bootstrap.RUN,
            Bootstrap.ON_ERROR);
  }

  @Test
  void namesTheLanguage() {
    PythonRunner runner = new PythonRunner();

    assertThat(runner.id()).isEqualTo("python");
    assertThat(runner.aliases()).containsExactly("py");
    assertThat(runner.displayName()).isEqualTo("Python");
  }
}
