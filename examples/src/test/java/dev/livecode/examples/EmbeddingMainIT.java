package dev.livecode.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EmbeddingMainIT {

  @Test
  void runsPythonAndJavaScriptSnippets() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean completed;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      completed = EmbeddingMain.run(out);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);

    assertThat(completed).as(printed).isTrue();
    assertThat(printed)
        .contains("python: COMPLETED")
        .containsPattern("hello, livecode, from Python 3\\.\\d+")
        .contains("javascript: COMPLETED")
        .containsPattern("squares from node \\d+\\.\\d+\\.\\d+: 1 4 9");
  }
}
