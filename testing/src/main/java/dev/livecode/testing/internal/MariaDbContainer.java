package dev.livecode.testing.internal;

import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A pinned server image started once per JVM; a class of its own so that Testcontainers is only
 * loaded here.
 */
final class MariaDbContainer {
  private MariaDbContainer() {}

  @SuppressWarnings("resource") // lives as long as the JVM; Testcontainers' reaper removes it
  static MariaDbServer start(String image) {
    // root: the extensions create a database per test class, which the image's own user may not.
    MySQLContainer<?> container =
        new MySQLContainer<>(DockerImageName.parse(image).asCompatibleSubstituteFor("mysql"))
            .withDatabaseName("test")
            .withUsername("root");
    container.start();
    return new MariaDbServer(
        container.getJdbcUrl(), container.getUsername(), container.getPassword());
  }
}
