package dev.livecode.sandbox.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroup(s) of one run: one dir per v1 hierarchy, or one v2 dir. A group is reused by later
 * runs with the same limits once it is empty (see {@link Cgroups#acquire}), so what a run did is
 * read as the change of the group's counters since the run began, never their absolute values.
 */
final class RunGroup {
  private static final Logger LOG = LoggerFactory.getLogger(RunGroup.class);

  private final Cgroups owner;
  private final Cgroups.Version version;
  private final List<Path> dirs;
  private final GroupLimits limits;
  // why: which controller files this group has is fixed when it is made; looking each up again at
  // every run's start and end cost a dozen stat calls per run.
  private final List<Path> procsFiles;
  private final List<Path> oomCounters;
  private final List<Path> pidsDirs;
  private final Optional<Path> cpuUsage;
  private volatile long oomKillsBefore;
  private volatile long cpuNanosBefore;

  /**
   * What pids.max holds now: the process limit, plus what unreaped processes of earlier runs still
   * take.
   */
  private volatile long pidsMax;

  /** The limits a group is set up with: a group is only reused for runs with the same ones. */
  record GroupLimits(long memoryBytes, int maxProcesses) {}

  RunGroup(Cgroups owner, Cgroups.Version version, List<Path> dirs, GroupLimits limits) {
    this.owner = owner;
    this.version = version;
    this.dirs = List.copyOf(dirs);
    this.limits = limits;
    this.pidsMax = limits.maxProcesses();
    this.procsFiles = this.dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
    boolean v1 = version == Cgroups.Version.V1;
    this.oomCounters = existing(v1 ? "memory.oom_control" : "memory.events");
    this.pidsDirs =
        this.dirs.stream().filter(d -> Files.exists(d.resolve("pids.current"))).toList();
    this.cpuUsage = existing(v1 ? "cpuacct.usage" : "cpu.stat").stream().findFirst();
  }

  /** The file {@code name} of each of this group's dirs that has one. */
  private List<Path> existing(String name) {
    return dirs.stream().map(d -> d.resolve(name)).filter(Files::exists).toList();
  }

  GroupLimits limits() {
    return limits;
  }

  /** The cgroup.procs files the launch shell writes its pid into, in the order it joins them. */
  List<Path> procsFiles() {
    return procsFiles;
  }

  /**
   * The list that holds every process of the run: the first group joined. A run's first process
   * joins the groups in {@link #procsFiles()} order and stops at the first that fails, its children
   * are born in all it joined, and nothing a run starts may move a process between groups (the
   * files are root's). So the other lists name no process this one lacks, and reading only it saves
   * three reads of a kernel-generated list at every run's end on cgroup v1.
   */
  private Path allProcesses() {
    return procsFiles.get(0);
  }

  /** True when the kernel's OOM killer killed a process of this group during this run. */
  boolean oomKilled() {
    return oomKills() > oomKillsBefore;
  }

  /**
   * CPU time used by the group during this run in nanoseconds, or -1 when this host cannot tell.
   */
  long cpuNanos() {
    long total = cpuNanosTotal();
    return total < 0 ? -1 : total - cpuNanosBefore;
  }

  /**
   * Makes the counters read from now on count from zero, and gives the next run its whole process
   * limit: done before a reused group's next run.
   */
  void startCounting() {
    oomKillsBefore = oomKills();
    long cpu = cpuNanosTotal();
    cpuNanosBefore = Math.max(cpu, 0);
    leaveRoomForUnreaped();
  }

  /**
   * A killed process that was reparented to the host's init (bwrap's own init in its PID namespace,
   * or a none-tier program's orphan) counts against pids.max until that init reaps it, which some
   * inits do seconds later and a container's own first process may never do. So the limit is raised
   * by what the group still counts, once it lists no process: otherwise a fork bomb's orphans would
   * leave the next runs of the group unable to fork at all. RLIMIT_NPROC still caps each run's own
   * processes (see {@link RlimitShell}).
   */
  private void leaveRoomForUnreaped() {
    for (Path dir : pidsDirs) {
      try {
        long wanted =
            limits.maxProcesses()
                + Math.max(0, Long.parseLong(Cgroups.read(dir.resolve("pids.current")).trim()));
        if (wanted != pidsMax) {
          Cgroups.write(dir.resolve("pids.max"), Long.toString(wanted));
          pidsMax = wanted;
        }
      } catch (IOException | NumberFormatException e) {
        LOG.debug("pids limit not adjusted dir={} error={}", dir, e.toString());
      }
    }
  }

  private long oomKills() {
    long kills = 0;
    for (Path file : oomCounters) {
      try {
        for (String line : Cgroups.read(file).split("\n")) {
          String[] kv = line.trim().split("\\s+");
          if (kv.length == 2 && kv[0].equals("oom_kill")) {
            kills += Long.parseLong(kv[1]);
          }
        }
      } catch (IOException | NumberFormatException e) {
        LOG.debug("oom counter unreadable file={} error={}", file, e.toString());
      }
    }
    return kills;
  }

  private long cpuNanosTotal() {
    if (cpuUsage.isEmpty()) {
      return -1;
    }
    Path file = cpuUsage.get();
    try {
      if (version == Cgroups.Version.V1) {
        return Long.parseLong(Cgroups.read(file).trim());
      }
      for (String line : Cgroups.read(file).split("\n")) {
        if (line.startsWith("usage_usec ")) {
          return Long.parseLong(line.substring(11).trim()) * 1000;
        }
      }
    } catch (IOException | NumberFormatException e) {
      LOG.debug("cpu usage unreadable file={} error={}", file, e.toString());
    }
    return -1;
  }

  /** SIGKILLs every process in the group (cgroup.kill on v2; each listed pid otherwise). */
  void killAll() {
    if (version == Cgroups.Version.V2) {
      Path kill = dirs.get(0).resolve("cgroup.kill");
      if (Files.exists(kill)) {
        try {
          Cgroups.write(kill, "1");
          return;
        } catch (IOException e) {
          LOG.debug("cgroup.kill failed dir={} error={}", dirs.get(0), e.toString());
        }
      }
    }
    killListed(allProcesses());
  }

  /**
   * Kills what is left and hands the group back for reuse, or removes it (see {@link
   * Cgroups#release}).
   */
  void release() {
    owner.release(this);
  }

  /** Kills what is left until no process is listed; false if some remain at the deadline. */
  boolean awaitEmpty(long deadlineNanos) {
    while (true) {
      boolean any = killListed(allProcesses());
      if (!any) {
        return true;
      }
      if (System.nanoTime() > deadlineNanos || !pause()) {
        return false;
      }
    }
  }

  private static boolean killListed(Path procs) {
    boolean any = false;
    try {
      for (String pid : Cgroups.read(procs).split("\\s+")) {
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
    long deadline = System.nanoTime() + Cgroups.EMPTY_TIMEOUT_NANOS;
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
          if (!pause()) {
            break;
          }
        }
      }
    }
  }

  private static boolean pause() {
    try {
      Thread.sleep(2);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
