package dev.livecode.runner.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.LanguageInfo;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.spi.LanguageRunner;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class NodeRunnersDiscoveryIT {

  @Test
  void serviceLoaderFindsJavaScriptAndTypeScript() {
    assertThat(ServiceLoader.load(LanguageRunner.class).stream().map(ServiceLoader.Provider::type))
        .containsExactlyInAnyOrder(JavaScriptRunner.class, TypeScriptRunner.class);
  }

  @Test
  void engineListsBothLanguagesWithTheirVersions() {
    try (LivecodeEngine engine = Livecode.builder().workers(1).build()) {
      assertThat(engine.languages())
          .extracting(LanguageInfo::id, LanguageInfo::name, LanguageInfo::available)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("javascript", "JavaScript", true),
              org.assertj.core.groups.Tuple.tuple("typescript", "TypeScript", true));
      assertThat(engine.languages())
          .filteredOn(info -> info.id().equals("typescript"))
          .singleElement()
          .satisfies(
              info -> {
                assertThat(info.version()).matches("\\d+\\.\\d+\\.\\d+");
                assertThat(info.aliases()).containsExactly("ts");
              });
      assertThat(engine.languages())
          .filteredOn(info -> info.id().equals("javascript"))
          .singleElement()
          .satisfies(info -> assertThat(info.aliases()).containsExactly("js", "node"));
    }
  }
}
