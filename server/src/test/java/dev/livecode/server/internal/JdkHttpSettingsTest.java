package dev.livecode.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdkHttpSettingsTest {
  private static final List<String> KEYS =
      List.of(
          "sun.net.httpserver.nodelay",
          "sun.net.httpserver.maxIdleConnections",
          "jdk.httpserver.maxConnections",
          "sun.net.httpserver.maxReqHeaderSize",
          "sun.net.httpserver.maxRspTime");
  private final Map<String, String> saved = new HashMap<>();

  @BeforeEach
  void save() {
    KEYS.forEach(key -> saved.put(key, System.getProperty(key)));
    KEYS.forEach(System::clearProperty);
  }

  @AfterEach
  void restore() {
    saved.forEach(
        (key, value) -> {
          if (value == null) {
            System.clearProperty(key);
          } else {
            System.setProperty(key, value);
          }
        });
  }

  @Test
  void boundsIdleConnectionsByTheConnectionCapNotTheJdkDefaultOf200() {
    JdkHttpSettings.apply(ServerConfig.parse(new String[] {"--max-connections", "300"}, Map.of()));

    assertThat(System.getProperty("sun.net.httpserver.maxIdleConnections")).isEqualTo("300");
    assertThat(System.getProperty("jdk.httpserver.maxConnections")).isEqualTo("300");
  }

  @Test
  void cutsHeadersAtFourTimesThe431Limit() {
    JdkHttpSettings.apply(
        ServerConfig.parse(new String[] {"--max-header-bytes", "8192"}, Map.of()));

    assertThat(System.getProperty("sun.net.httpserver.maxReqHeaderSize")).isEqualTo("32768");
  }

  @Test
  void keepsAPropertyGivenOnTheCommandLine() {
    System.setProperty("sun.net.httpserver.maxIdleConnections", "50");

    String effective = JdkHttpSettings.apply(ServerConfig.parse(new String[0], Map.of()));

    assertThat(System.getProperty("sun.net.httpserver.maxIdleConnections")).isEqualTo("50");
    assertThat(effective).contains("sun.net.httpserver.maxIdleConnections=50");
  }
}
