package dev.livecode.core.internal.sandbox;

import dev.livecode.core.Limits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cgroup per execution, under a {@code livecode-<pid>-<n>} group made inside the server's own
 * cgroup (so the host's limits on the server still cover the programs). Works with cgroup v1
 * (a memory and a pids hierarchy, as on this machine) and cgroup v2 (memory.max, pids.max,
 * memory.events, cgroup.kill), as root or in a delegated v2 subtree. When neither works the
 * sandboxes fall back to rlimits and say so in {@link Sandbox#enforcedLimits()}.
 *
 * <p>The program joins its group before it can fork: the launch shell writes its own pid into
 * each {@link RunGroup#procsFiles() cgroup.procs} and then execs the sandbox.
 */
final class Cgroups implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);
  private static final String PREFIX = "livecode-";
  private static final long CPU_PERIOD_US = 100_000;

  enum Version { V1, V2 }

  private final Version version;
  /** v1: controller -> our parent dir in that hierarchy; v2: "unified" -> our parent dir. */
  private final Map<String, Path> parents;
  private final boolean memory;
  private final boolean pids;
  private static final AtomicLong COUNTER = new AtomicLong();
  /** Each sandbox of this JVM gets its own parent: closing one engine must not pull another's groups. */
  private static final AtomicLong INSTANCES = new AtomicLong();

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
        LOG.warn("sandbox cgroups unavailable reason=\"no writable memory or pids cgroup (v1 or delegated v2)\"");
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
        LOG.debug("cgroup v1 controller not writable controller={} error={}", controller, e.toString());
      }
    }
    if (!parents.containsKey("memory") && !parents.containsKey("pids")) {
      parents.values().forEach(Cgroups::removeQuietly);
      return Optional.empty();
    }
    return Optional.of(new Cgroups(Version.V1, parents, parents.containsKey("memory"), parents.containsKey("pids")));
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
      Mount mount = Mount.parse(line);
      if (mount != null && mount.fsType().equals("cgroup") && List.of(mount.superOptions().split(",")).contains(controller)) {
        return Optional.of(mount.dirFor(ownPath));
      }
    }
    return Optional.empty();
  }

  private static Optional<Cgroups> setUpV2(List<String> mountinfo, List<String> own) {
    String ownPath = own.stream().filter(l -> l.startsWith("0::")).map(l -> l.substring(3)).findFirst().orElse(null);
    Mount mount = mountinfo.stream().map(Mount::parse).filter(m -> m != null && m.fsType().equals("cgroup2")).findFirst().orElse(null);
    if (ownPath == null || mount == null) {
      return Optional.empty();
    }
    Path dir = mount.dirFor(ownPath);
    try {
      List<String> available = List.of(read(dir.resolve("cgroup.controllers")).trim().split("\\s+"));
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
      List<String> enabled = List.of(read(dir.resolve("cgroup.subtree_control")).trim().split("\\s+"));
      wanted.retainAll(enabled);
      if (!wanted.contains("memory") && !wanted.contains("pids")) {
        return Optional.empty();
      }
      Path parent = dir.resolve(parentName());
      Files.createDirectories(parent);
      enableEach(parent, wanted);
      return Optional.of(new Cgroups(Version.V2, Map.of("unified", parent), wanted.contains("memory"), wanted.contains("pids")));
    } catch (IOException | RuntimeException e) {
      LOG.debug("cgroup v2 not usable dir={} error={}", dir, e.toString());
      return Optional.empty();
    }
  }

  /** Enables each controller for the children of {@code dir}; false when one could not be. */
  private static boolean enableEach(Path dir, List<String> controllers) throws IOException {
    List<String> enabled = List.of(read(dir.resolve("cgroup.subtree_control")).trim().split("\\s+"));
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
        if (!pid.isEmpty() && pid.length() < 10 && pid.chars().allMatch(Character::isDigit)
            && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
          try (DirectoryStream<Path> runs = Files.newDirectoryStream(child, p -> Files.isDirectory(p))) {
            runs.forEach(Cgroups::removeQuietly);
          }
          removeQuietly(child);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("stale cgroups not cleaned dir={} error={}", dir, e.toString());
    }
  }

  /** Creates the group of one run with its limits set; the caller must {@link RunGroup#remove()} it. */
  RunGroup create(Limits limits) throws IOException {
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
              // One core per run at most, and one scheduling entity: a fork bomb cannot starve the server.
              write(dir.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
              write(dir.resolve("cpu.cfs_quota_us"), Long.toString(CPU_PERIOD_US));
            }
            default -> { }
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
    return new RunGroup(version, dirs);
  }

  @Override
  public void close() {
    parents.values().forEach(Cgroups::removeQuietly);
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

  /** A line of /proc/self/mountinfo, as far as cgroups need it. */
  private record Mount(String root, Path mountPoint, String fsType, String superOptions) {
    static Mount parse(String line) {
      String[] halves = line.split(" - ", 2);
      if (halves.length != 2) {
        return null;
      }
      String[] left = halves[0].split(" ");
      String[] right = halves[1].split(" ");
      if (left.length < 5 || right.length < 3) {
        return null;
      }
      return new Mount(unescape(left[3]), Path.of(unescape(left[4])), right[0], right[2]);
    }

    /** Where the group at {@code path} (as /proc/self/cgroup names it) is in this mount. */
    Path dirFor(String path) {
      String relative = path;
      if (!root.equals("/") && (path.equals(root) || path.startsWith(root + "/"))) {
        relative = path.substring(root.length());
      }
      relative = relative.startsWith("/") ? relative.substring(1) : relative;
      return relative.isEmpty() ? mountPoint : mountPoint.resolve(relative);
    }

    private static String unescape(String field) {
      return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
  }

  /** The cgroup(s) of one run: one dir per v1 hierarchy, or one v2 dir. */
  static final class RunGroup {
    private final Version version;
    private final List<Path> dirs;

    RunGroup(Version version, List<Path> dirs) {
      this.version = version;
      this.dirs = List.copyOf(dirs);
    }

    /** The cgroup.procs files the launch shell writes its pid into. */
    List<Path> procsFiles() {
      return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /** True when the kernel's OOM killer killed a process of this group. */
    boolean oomKilled() {
      for (Path dir : dirs) {
        Path file = dir.resolve(version == Version.V1 ? "memory.oom_control" : "memory.events");
        if (!Files.exists(file)) {
          continue;
        }
        try {
          for (String line : read(file).split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2 && kv[0].equals("oom_kill") && Long.parseLong(kv[1]) > 0) {
              return true;
            }
          }
        } catch (IOException | NumberFormatException e) {
          LOG.debug("oom counter unreadable file={} error={}", file, e.toString());
        }
      }
      return false;
    }

    /** CPU time used by the whole group in nanoseconds, or -1 when this host cannot tell. */
    long cpuNanos() {
      for (Path dir : dirs) {
        try {
          Path v1 = dir.resolve("cpuacct.usage");
          if (Files.exists(v1)) {
            return Long.parseLong(read(v1).trim());
          }
          Path v2 = dir.resolve("cpu.stat");
          if (version == Version.V2 && Files.exists(v2)) {
            for (String line : read(v2).split("\n")) {
              if (line.startsWith("usage_usec ")) {
                return Long.parseLong(line.substring(11).trim()) * 1000;
              }
            }
          }
        } catch (IOException | NumberFormatException e) {
          LOG.debug("cpu usage unreadable dir={} error={}", dir, e.toString());
        }
      }
      return -1;
    }

    /** SIGKILLs every process in the group (cgroup.kill on v2; each listed pid otherwise). */
    void killAll() {
      if (version == Version.V2) {
        Path kill = dirs.get(0).resolve("cgroup.kill");
        if (Files.exists(kill)) {
          try {
            write(kill, "1");
            return;
          } catch (IOException e) {
            LOG.debug("cgroup.kill failed dir={} error={}", dirs.get(0), e.toString());
          }
        }
      }
      for (Path procs : procsFiles()) {
        killListed(procs);
      }
    }

    private static boolean killListed(Path procs) {
      boolean any = false;
      try {
        for (String pid : read(procs).split("\\s+")) {
          if (!pid.isBlank()) {
            any = true;
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
      } catch (NoSuchFileException e) {
        return false;
      } catch (IOException | RuntimeException e) {
        LOG.debug("cgroup kill failed procs={} error={}", procs, e.toString());
      }
      return any;
    }

    /** Kills what is left, waits (briefly) for the group to empty, and removes it. */
    void remove() {
      long deadline = System.nanoTime() + 3_000_000_000L;
      for (Path dir : dirs) {
        while (true) {
          try {
            Files.deleteIfExists(dir);
            break;
          } catch (IOException busy) {
            if (System.nanoTime() > deadline) {
              LOG.warn("cgroup not removed dir={} error={}", dir, busy.toString());
              break;
            }
            killListed(dir.resolve("cgroup.procs"));
            try {
              Thread.sleep(5);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              break;
            }
          }
        }
      }
    }
  }
}
