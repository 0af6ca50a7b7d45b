package dev.livecode.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fork server's process when it does not come up: nothing of it may hold up or stay. */
class ForkServerIT {
  private Path dir;

  @BeforeEach
  void makeDir() throws IOException {
    dir =
        Files.createTempDirectory(
            "livecode-fork-server-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  @AfterEach
  void removeDir() throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  @Test
  void aServerThatNeverSaysReadyIsKilledAtTheTimeout() throws Exception {
    Path hanging = dir.resolve("hanging-python");
    Files.writeString(hanging, "#!/bin/sh\nexec sleep 60\n");
    hanging.toFile().setExecutable(true);
    long children = ProcessHandle.current().children().count();
    long started = System.nanoTime();

    assertThatThrownBy(
            () ->
                new ForkServer(
                    List.of(hanging.toString(), "-c", "pass"),
                    Map.of(),
                    "",
                    dir,
                    Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("did not start within");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (ProcessHandle.current().children().count() != children && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(ProcessHandle.current().children().count()).isEqualTo(children);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("hanging-python");
    }
  }

  @Test
  void aServerWhoseSocketCannotBeBoundLeavesNoThreadAndNoFolder() throws Exception {
    // A socket path longer than a sockaddr_un holds (108 bytes) cannot be bound.
    Path deep = Files.createDirectory(dir.resolve("d".repeat(120)));
    long threads = forkServerThreads();

    assertThatThrownBy(
            () ->
                new ForkServer(
                    List.of("python3", "-c", "pass"), Map.of(), "", deep, Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class);

    assertThat(forkServerThreads()).isLessThanOrEqualTo(threads);
    try (Stream<Path> left = Files.list(deep)) {
      assertThat(left).isEmpty();
    }
  }

  private static long forkServerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("livecode-fork-"))
        .count();
  }
}
