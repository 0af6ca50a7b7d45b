package dev.livecode.sandbox.internal;

import dev.livecode.sandbox.Sandbox;
import dev.livecode.sandbox.SandboxLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cgroup per execution (kept for a later execution once empty), under a {@code
 * livecode-<pid>-<n>} group made inside the server's own cgroup (so the host's limits on the server
 * still cover the programs). Works with cgroup v1 (a memory and a pids hierarchy, as on this
 * machine) and cgroup v2 (memory.max, pids.max, memory.events, cgroup.kill), as root or in a
 * delegated v2 subtree. When neither works the sandboxes fall back to rlimits and say so in {@link
 * Sandbox#enforcedLimits()}.
 *
 * <p>The program joins its group before it can fork: the launch shell writes its own pid into each
 * {@link RunGroup#procsFiles() cgroup.procs} and then execs the sandbox.
 */
final class Cgroups implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);
  private static final String PREFIX = "livecode-";
  private static final long CPU_PERIOD_US = 100_000;

  enum Version {
    V1,
    V2
  }

  private final Version version;

  /** v1: controller -> our parent dir in that hierarchy; v2: "unified" -> our parent dir. */
  private final Map<String, Path> parents;

  private final boolean memory;
  private final boolean pids;
  private static final AtomicLong COUNTER = new AtomicLong();

  /**
   * Each sandbox of this JVM gets its own parent: closing one engine must not pull another's
   * groups.
   */
  private static final AtomicLong INSTANCES = new AtomicLong();

  /**
   * Idle groups kept for reuse: enough for every run of a busy server at once, at a few KiB of
   * kernel memory each.
   */
  static final int MAX_IDLE = 64;

  /** How long a finished run's group may take to empty (its killed processes exiting). */
  static final long EMPTY_TIMEOUT_NANOS = 3_000_000_000L;

  private final Deque<RunGroup> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private volatile boolean closed;

  private Cgroups(Version version, Map<String, Path> parents, boolean memory, boolean pids) {
    this.version = version;
    this.parents = parents;
    this.memory = memory;
    this.pids = pids;
  }

  /** Sets up the parent group, or explains in the log why cgroups cannot be used here. */
  static Optional<Cgroups> detect() {
    try {
      List<String> mountinfo = Files.readAllLines(Path.of("/proc/self/mountinfo"));
      List<String> own = Files.readAllLines(Path.of("/proc/self/cgroup"));
      Optional<Cgroups> v1 = setUpV1(mountinfo, own);
      if (v1.isPresent()) {
        return v1;
      }
      Optional<Cgroups> v2 = setUpV2(mountinfo, own);
      if (v2.isEmpty()) {
        LOG.warn(
            "sandbox cgroups unavailable reason=\"no writable memory or pids cgroup (v1 or delegated v2)\"");
      }
      return v2;
    } catch (IOException | RuntimeException e) {
      LOG.warn("sandbox cgroups unavailable error={}", e.toString());
      return Optional.empty();
    }
  }

  Version version() {
    return version;
  }

  boolean limitsMemory() {
    return memory;
  }

  boolean limitsProcesses() {
    return pids;
  }

  private static Optional<Cgroups> setUpV1(List<String> mountinfo, List<String> own) {
    Map<String, Path> parents = new LinkedHashMap<>();
    String parentName = parentName();
    for (String controller : List.of("memory", "pids", "cpu", "cpuacct")) {
      Optional<Path> dir = v1Dir(mountinfo, own, controller);
      if (dir.isEmpty()) {
        continue;
      }
      Path parent = dir.get().resolve(parentName);
      try {
        removeStale(dir.get());
        Files.createDirectories(parent);
        parents.put(controller, parent);
      } catch (IOException e) {
        LOG.debug(
            "cgroup v1 controller not writable controller={} error={}", controller, e.toString());
      }
    }
    if (!parents.containsKey("memory") && !parents.containsKey("pids")) {
      parents.values().forEach(Cgroups::removeQuietly);
      return Optional.empty();
    }
    return Optional.of(
        new Cgroups(
            Version.V1, parents, parents.containsKey("memory"), parents.containsKey("pids")));
  }

  private static Optional<Path> v1Dir(List<String> mountinfo, List<String> own, String controller) {
    String ownPath = null;
    for (String line : own) {
      String[] parts = line.split(":", 3);
      if (parts.length == 3 && List.of(parts[1].split(",")).contains(controller)) {
        ownPath = parts[2];
      }
    }
    if (ownPath == null) {
      return Optional.empty();
    }
    for (String line : mountinfo) {
      CgroupMount mount = CgroupMount.parse(line);
      if (mount != null
          && mount.fsType().equals("cgroup")
          && List.of(mount.superOptions().split(",")).contains(controller)) {
        return Optional.of(mount.dirFor(ownPath));
      }
    }
    return Optional.empty();
  }

  private static Optional<Cgroups> setUpV2(List<String> mountinfo, List<String> own) {
    String ownPath =
        own.stream()
            .filter(l -> l.startsWith("0::"))
            .map(l -> l.substring(3))
            .findFirst()
            .orElse(null);
    CgroupMount mount =
        mountinfo.stream()
            .map(CgroupMount::parse)
            .filter(m -> m != null && m.fsType().equals("cgroup2"))
            .findFirst()
            .orElse(null);
    if (ownPath == null || mount == null) {
      return Optional.empty();
    }
    Path dir = mount.dirFor(ownPath);
    try {
      List<String> available =
          List.of(read(dir.resolve("cgroup.controllers")).trim().split("\\s+"));
      List<String> wanted = new ArrayList<>();
      for (String c : List.of("memory", "pids", "cpu")) {
        if (available.contains(c)) {
          wanted.add(c);
        }
      }
      if (!wanted.contains("memory") && !wanted.contains("pids")) {
        return Optional.empty();
      }
      removeStale(dir);
      if (!enableEach(dir, wanted)) {
        // No internal processes: move everything in our group (the server) to a leaf, then enable.
        Path leaf = dir.resolve(PREFIX + "server-" + ProcessHandle.current().pid());
        Files.createDirectories(leaf);
        for (String pid : read(dir.resolve("cgroup.procs")).split("\\s+")) {
          if (!pid.isBlank()) {
            try {
              write(leaf.resolve("cgroup.procs"), pid);
            } catch (IOException gone) {
              // The process exited meanwhile.
            }
          }
        }
        LOG.info("cgroup v2 moved server to leaf group={}", leaf);
        enableEach(dir, wanted);
      }
      List<String> enabled =
          List.of(read(dir.resolve("cgroup.subtree_control")).trim().split("\\s+"));
      wanted.retainAll(enabled);
      if (!wanted.contains("memory") && !wanted.contains("pids")) {
        return Optional.empty();
      }
      Path parent = dir.resolve(parentName());
      Files.createDirectories(parent);
      enableEach(parent, wanted);
      return Optional.of(
          new Cgroups(
              Version.V2,
              Map.of("unified", parent),
              wanted.contains("memory"),
              wanted.contains("pids")));
    } catch (IOException | RuntimeException e) {
      LOG.debug("cgroup v2 not usable dir={} error={}", dir, e.toString());
      return Optional.empty();
    }
  }

  /** Enables each controller for the children of {@code dir}; false when one could not be. */
  private static boolean enableEach(Path dir, List<String> controllers) throws IOException {
    List<String> enabled =
        List.of(read(dir.resolve("cgroup.subtree_control")).trim().split("\\s+"));
    boolean all = true;
    for (String controller : controllers) {
      if (!enabled.contains(controller)) {
        try {
          write(dir.resolve("cgroup.subtree_control"), "+" + controller);
        } catch (IOException e) {
          all = false;
        }
      }
    }
    return all;
  }

  private static String parentName() {
    return PREFIX + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
  }

  /** Removes empty groups left by servers that died (their pid is gone). */
  private static void removeStale(Path dir) {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, PREFIX + "*")) {
      for (Path child : children) {
        String suffix = child.getFileName().toString().substring(PREFIX.length());
        String pid = suffix.contains("-") ? suffix.substring(0, suffix.indexOf('-')) : suffix;
        if (!pid.isEmpty()
            && pid.length() < 10
            && pid.chars().allMatch(Character::isDigit)
            && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
          try (DirectoryStream<Path> runs =
              Files.newDirectoryStream(child, p -> Files.isDirectory(p))) {
            runs.forEach(Cgroups::removeQuietly);
          }
          removeQuietly(child);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("stale cgroups not cleaned dir={} error={}", dir, e.toString());
    }
  }

  /**
   * A group for one run with {@code limits} set: an idle one left by an earlier run with the same
   * limits, or a new one. Reuse matters: on this host, creating and removing the three v1 groups of
   * a run costs about 8 ms of its latency (a fresh memory cgroup's first process starts slower
   * too), against well under 1 ms for joining existing ones. The caller must {@link
   * RunGroup#release()} it.
   */
  RunGroup acquire(SandboxLimits limits) throws IOException {
    RunGroup.GroupLimits wanted =
        new RunGroup.GroupLimits(limits.memoryBytes(), limits.maxProcesses());
    for (RunGroup group : idle) {
      if (group.limits().equals(wanted) && idle.removeFirstOccurrence(group)) {
        idleCount.decrementAndGet();
        return group;
      }
    }
    return create(wanted);
  }

  /**
   * Takes a group back once its run is over: kills what is left in it and keeps it for reuse if it
   * empties, its counters rebased; removes it when it does not, when this sandbox is closed, or
   * when enough groups are idle already (the oldest idle one goes first).
   */
  void release(RunGroup group) {
    if (closed || !group.awaitEmpty(System.nanoTime() + EMPTY_TIMEOUT_NANOS)) {
      group.remove();
      return;
    }
    group.startCounting();
    idle.offerFirst(group);
    if (idleCount.incrementAndGet() > MAX_IDLE) {
      RunGroup oldest = idle.pollLast();
      if (oldest != null) {
        idleCount.decrementAndGet();
        oldest.remove();
      }
    }
    if (closed) {
      removeIdle();
    }
  }

  private RunGroup create(RunGroup.GroupLimits limits) throws IOException {
    String name = "run-" + COUNTER.incrementAndGet();
    List<Path> dirs = new ArrayList<>();
    try {
      if (version == Version.V1) {
        for (Map.Entry<String, Path> parent : parents.entrySet()) {
          Path dir = parent.getValue().resolve(name);
          if (!dirs.contains(dir)) {
            // Co-mounted controllers (e.g. cpu,cpuacct) share one directory.
            Files.createDirectory(dir);
            dirs.add(dir);
          }
          switch (parent.getKey()) {
            case "memory" -> {
              write(dir.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
              Path memsw = dir.resolve("memory.memsw.limit_in_bytes");
              if (Files.exists(memsw)) {
                write(memsw, Long.toString(limits.memoryBytes()));
              }
            }
            case "pids" -> write(dir.resolve("pids.max"), Integer.toString(limits.maxProcesses()));
            case "cpu" -> {
              // One core per run at most, and one scheduling entity: a fork bomb cannot starve the
              // server.
              write(dir.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
              write(dir.resolve("cpu.cfs_quota_us"), Long.toString(CPU_PERIOD_US));
            }
            default -> {}
          }
        }
      } else {
        Path dir = Files.createDirectory(parents.get("unified").resolve(name));
        dirs.add(dir);
        if (memory) {
          write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
          Path group = dir.resolve("memory.oom.group");
          if (Files.exists(group)) {
            write(group, "1"); // an OOM kill takes the whole run, not one random process of it
          }
          Path swap = dir.resolve("memory.swap.max");
          if (Files.exists(swap)) {
            write(swap, "0");
          }
        }
        if (pids) {
          write(dir.resolve("pids.max"), Integer.toString(limits.maxProcesses()));
        }
        if (Files.exists(dir.resolve("cpu.max"))) {
          write(dir.resolve("cpu.max"), CPU_PERIOD_US + " " + CPU_PERIOD_US);
        }
      }
    } catch (IOException | RuntimeException e) {
      dirs.forEach(Cgroups::removeQuietly);
      throw e;
    }
    return new RunGroup(this, version, dirs, limits);
  }

  @Override
  public void close() {
    closed = true;
    removeIdle();
    parents.values().forEach(Cgroups::removeQuietly);
  }

  private void removeIdle() {
    RunGroup group;
    while ((group = idle.pollFirst()) != null) {
      idleCount.decrementAndGet();
      group.remove();
    }
  }

  static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII);
  }

  static void write(Path file, String value) throws IOException {
    Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
  }

  static void removeQuietly(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.debug("cgroup not removed dir={} error={}", dir, e.toString());
    }
  }
}
