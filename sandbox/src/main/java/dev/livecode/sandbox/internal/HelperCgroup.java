package dev.livecode.sandbox.internal;

import dev.livecode.sandbox.HelperCpuGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroup of one engine's runner helpers (see {@link HelperCpuGroup}): at most one core for all
 * of them together ({@code cpu.cfs_quota_us} on cgroup v1, {@code cpu.max} on v2), so a source that
 * sends a transpiler into exponential time costs at most that core, never the ones the runs need.
 * It sits in the server's own cpu cgroup beside the sandbox's groups, named {@code
 * livecode-<pid>-helpers-<n>}, the pattern the sandbox's clean-up of dead servers' groups also
 * removes. Only the cpu controller: helpers bound their own memory (a V8 heap cap) and processes,
 * and a memory cgroup would kill a helper that a run can simply get again.
 *
 * <p>Where no cpu cgroup is writable (not root, no delegated v2 subtree), helpers run uncapped and
 * the log says so once.
 */
final class HelperCgroup implements HelperCpuGroup {
  private static final Logger LOG = LoggerFactory.getLogger(HelperCgroup.class);

  /** One core: the scheduling period and the quota of CPU time the helpers get in each. */
  static final long PERIOD_US = 100_000;

  static final long QUOTA_US = 100_000;
  private static final String PREFIX = "livecode-";
  private static final AtomicLong INSTANCES = new AtomicLong();
  private static final long EMPTY_WAIT_NANOS = 3_000_000_000L;

  private final Optional<Path> dir;

  private HelperCgroup(Optional<Path> dir) {
    this.dir = dir;
  }

  /** See {@link HelperCpuGroup#create}. */
  static HelperCpuGroup create(String engineName) {
    try {
      Optional<Path> parent = cpuCgroupOfThisProcess();
      if (parent.isEmpty()) {
        LOG.warn(
            "{} runner helpers uncapped reason=\"no writable cpu cgroup (v1, or delegated v2 with cpu enabled)\" note=\"a TypeScript transpile can then use a whole core until its run's time limit\"",
            engineName);
        return new HelperCgroup(Optional.empty());
      }
      removeStale(parent.get());
      Path group =
          parent
              .get()
              .resolve(
                  PREFIX
                      + ProcessHandle.current().pid()
                      + "-helpers-"
                      + INSTANCES.incrementAndGet());
      Files.createDirectory(group);
      try {
        if (Files.exists(group.resolve("cpu.max"))) {
          Cgroups.write(group.resolve("cpu.max"), QUOTA_US + " " + PERIOD_US);
        } else {
          Cgroups.write(group.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_US));
          Cgroups.write(group.resolve("cpu.cfs_quota_us"), Long.toString(QUOTA_US));
        }
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(group);
        throw e;
      }
      LOG.info(
          "{} runner helpers capped cpu_cores={} group={}",
          engineName,
          (double) QUOTA_US / PERIOD_US,
          group);
      return new HelperCgroup(Optional.of(group));
    } catch (IOException | RuntimeException e) {
      LOG.warn("{} runner helpers uncapped error={}", engineName, e.toString());
      return new HelperCgroup(Optional.empty());
    }
  }

  @Override
  public Optional<Path> directory() {
    return dir;
  }

  @Override
  public boolean confine(ProcessHandle process) {
    if (dir.isEmpty() || !process.isAlive()) {
      return false;
    }
    try {
      // cgroup.procs moves the whole process, every thread of it (tasks would move one thread).
      Cgroups.write(dir.get().resolve("cgroup.procs"), Long.toString(process.pid()));
      return true;
    } catch (IOException e) {
      LOG.debug("helper not confined pid={} error={}", process.pid(), e.toString());
      return false;
    }
  }

  @Override
  public void close() {
    if (dir.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + EMPTY_WAIT_NANOS;
    while (true) {
      try {
        Files.deleteIfExists(dir.get());
        return;
      } catch (IOException e) {
        // EBUSY: a killed helper has not exited yet.
        if (System.nanoTime() > deadline) {
          LOG.warn("helper group not removed group={} error={}", dir.get(), e.toString());
          return;
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * The directory of this process's own cpu cgroup, where a child group can be made with the cpu
   * controller on: the v1 cpu hierarchy, else the v2 group (its parent, when the sandbox moved the
   * server into a leaf of its own) whose children have cpu enabled.
   */
  private static Optional<Path> cpuCgroupOfThisProcess() throws IOException {
    List<String> own = Files.readAllLines(Path.of("/proc/self/cgroup"));
    List<CgroupMount> mounts =
        Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
            .map(CgroupMount::parse)
            .filter(m -> m != null)
            .toList();
    for (String line : own) {
      String[] parts = line.split(":", 3);
      if (parts.length == 3 && List.of(parts[1].split(",")).contains("cpu")) {
        for (CgroupMount mount : mounts) {
          if (mount.fsType().equals("cgroup")
              && List.of(mount.superOptions().split(",")).contains("cpu")) {
            Path dir = mount.dirFor(parts[2]);
            return Files.isWritable(dir) ? Optional.of(dir) : Optional.empty();
          }
        }
      }
    }
    String unified =
        own.stream()
            .filter(l -> l.startsWith("0::"))
            .map(l -> l.substring(3))
            .findFirst()
            .orElse(null);
    CgroupMount mount =
        mounts.stream().filter(m -> m.fsType().equals("cgroup2")).findFirst().orElse(null);
    if (unified == null || mount == null) {
      return Optional.empty();
    }
    Path dir = mount.dirFor(unified);
    if (dir.getFileName() != null
        && dir.getFileName()
            .toString()
            .equals(PREFIX + "server-" + ProcessHandle.current().pid())) {
      dir = dir.getParent();
    }
    Path control = dir.resolve("cgroup.subtree_control");
    boolean cpuForChildren =
        Files.isReadable(control)
            && List.of(Files.readString(control, StandardCharsets.US_ASCII).trim().split("\\s+"))
                .contains("cpu");
    return cpuForChildren && Files.isWritable(dir) ? Optional.of(dir) : Optional.empty();
  }

  /**
   * Removes helper groups that servers which died left behind (their pid is gone, the group empty).
   */
  private static void removeStale(Path parent) {
    try (DirectoryStream<Path> groups = Files.newDirectoryStream(parent, PREFIX + "*-helpers-*")) {
      for (Path group : groups) {
        String pid = group.getFileName().toString().substring(PREFIX.length()).split("-", 2)[0];
        if (!pid.isEmpty()
            && pid.length() < 10
            && pid.chars().allMatch(Character::isDigit)
            && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
          Files.deleteIfExists(group);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("stale helper groups not removed dir={} error={}", parent, e.toString());
    }
  }
}
