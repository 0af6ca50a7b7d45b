package dev.livecode.sandbox.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many tasks (processes and threads) the server's uid has, for RLIMIT_NPROC when no pids cgroup
 * is available: that rlimit counts every task of the real uid (the server's own threads included),
 * so a run's cap is this count plus room for the server's growth plus the run's process limit.
 * Recounted at most once a second (a /proc scan costs a few milliseconds); root ignores
 * RLIMIT_NPROC, so it is not used for root.
 */
final class UserTasks {
  private static final long REFRESH_NANOS = 1_000_000_000L;
  private static volatile long count = -1;
  private static volatile long countedAt;

  private UserTasks() {}

  static long current() {
    long now = System.nanoTime();
    if (count < 0 || now - countedAt > REFRESH_NANOS) {
      count = scan();
      countedAt = now;
    }
    return count;
  }

  private static long scan() {
    String uid = uidOf(Path.of("/proc/self/status"));
    long tasks = 0;
    try (DirectoryStream<Path> procs =
        Files.newDirectoryStream(
            Path.of("/proc"),
            p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path proc : procs) {
        try {
          String uidLine = null;
          long threads = 1;
          for (String line : Files.readAllLines(proc.resolve("status"))) {
            if (line.startsWith("Uid:")) {
              uidLine = line.split("\\s+")[1];
            } else if (line.startsWith("Threads:")) {
              threads = Long.parseLong(line.substring(8).trim());
            }
          }
          if (uid.equals(uidLine)) {
            tasks += threads;
          }
        } catch (IOException | RuntimeException gone) {
          // The process exited while we looked.
        }
      }
    } catch (IOException e) {
      return Thread.activeCount() + 64L;
    }
    return tasks;
  }

  private static String uidOf(Path status) {
    try {
      return Files.readAllLines(status).stream()
          .filter(l -> l.startsWith("Uid:"))
          .findFirst()
          .map(l -> l.split("\\s+")[1])
          .orElse("");
    } catch (IOException e) {
      return "";
    }
  }
}
