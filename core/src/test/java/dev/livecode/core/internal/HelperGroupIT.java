package dev.livecode.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runner helpers share one core at most, on this host (root, cgroup v1), as on the server. */
class HelperGroupIT {

  @Test
  void capsItsHelpersToOneCoreTogether() throws Exception {
    try (HelperGroup group = HelperGroup.create("test")) {
      assertThat(group.directory())
          .as("this host offers a cpu cgroup (the server runs as root)")
          .isPresent();
      // The whole group competes with the host's other tasks as one entity: on a busy shared host
      // its default weight would keep it under its quota. The highest weight makes it take all
      // the CPU it can get, so what holds it back is the quota alone.
      heaviest(group.directory().get());
      List<Process> spinners = new ArrayList<>();
      try {
        // More spinners than cores: without a quota they would take both cores.
        for (int i = 0; i < 6; i++) {
          Process spinner = new ProcessBuilder("/bin/sh", "-c", "while :; do :; done").start();
          spinners.add(spinner);
          assertThat(group.confine(spinner.toHandle())).isTrue();
        }
        Duration before = cpu(spinners);
        long started = System.nanoTime();
        Thread.sleep(2000);
        Duration used = cpu(spinners).minus(before);
        Duration wall = Duration.ofNanos(System.nanoTime() - started);

        assertThat(used.toMillis())
            .as("CPU of six spinners over %s wall", wall)
            .isLessThan(wall.toMillis() * 6 / 5);
        assertThat(throttled(group.directory().get()))
            .as("the group's quota held them back")
            .isPositive();
      } finally {
        spinners.forEach(Process::destroyForcibly);
        for (Process spinner : spinners) {
          spinner.waitFor();
        }
      }
    }
  }

  @Test
  void closeRemovesTheGroup() {
    HelperGroup group = HelperGroup.create("test");
    Path dir = group.directory().orElseThrow();

    group.close();
    group.close();

    assertThat(dir).doesNotExist();
  }

  @Test
  void doesNotConfineAProcessThatIsGone() throws Exception {
    try (HelperGroup group = HelperGroup.create("test")) {
      Process gone = new ProcessBuilder("/bin/true").start();
      gone.waitFor();

      assertThat(group.confine(gone.toHandle())).isFalse();
    }
  }

  private static Duration cpu(List<Process> processes) {
    return processes.stream()
        .map(p -> p.toHandle().info().totalCpuDuration().orElse(Duration.ZERO))
        .reduce(Duration.ZERO, Duration::plus);
  }

  private static void heaviest(Path group) throws IOException {
    Path shares = group.resolve("cpu.shares");
    if (Files.exists(shares)) {
      Files.writeString(shares, "262144");
    } else {
      Files.writeString(group.resolve("cpu.weight"), "10000");
    }
  }

  private static long throttled(Path group) throws IOException {
    return Files.readAllLines(group.resolve("cpu.stat")).stream()
        .filter(l -> l.startsWith("nr_throttled "))
        .mapToLong(l -> Long.parseLong(l.substring("nr_throttled ".length()).trim()))
        .findFirst()
        .orElse(0);
  }
}
