package dev.livecode.sandbox.internal;

import dev.livecode.sandbox.ConfinedProcess;
import dev.livecode.sandbox.HelperCpuGroup;
import dev.livecode.sandbox.Isolation;
import dev.livecode.sandbox.LaunchSpec;
import dev.livecode.sandbox.Sandbox;
import dev.livecode.sandbox.SandboxLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the sandbox tier: the one asked for, or for AUTO the strongest that really works on this
 * host, found by running a trivial program in it once at start. The one class here that the public
 * package calls: {@link Sandbox#create} and {@link HelperCpuGroup#create} come in through it.
 */
public final class Sandboxes {
  private static final Logger LOG = LoggerFactory.getLogger(Sandboxes.class);
  private static final String PROBE_OUTPUT = "livecode-sandbox-probe";
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  private Sandboxes() {}

  /** See {@link HelperCpuGroup#create}. */
  public static HelperCpuGroup helperCpuGroup(String engineName) {
    return HelperCgroup.create(engineName);
  }

  /** See {@link Sandbox#create(Isolation, int, int)}. */
  public static Sandbox create(Isolation requested, int firstUid, int uidCount) {
    boolean root = isRoot();
    Optional<SandboxUids> uids =
        root
            ? Optional.of(new SandboxUids(firstUid, uidCount, SandboxUids.defaultLockDir()))
            : Optional.empty();
    Optional<Cgroups> cgroups = Cgroups.detect();
    SeccompFilter seccomp = SeccompFilter.install();
    Sandbox sandbox;
    try {
      sandbox =
          switch (requested) {
            case NONE -> require(HostSandbox.none(cgroups, uids, seccomp), requested);
            case BWRAP -> require(new BwrapSandbox(cgroups, uids, seccomp), requested);
            case UNSHARE -> require(HostSandbox.unshare(cgroups, uids, seccomp), requested);
            case AUTO -> auto(cgroups, uids, seccomp);
          };
    } catch (RuntimeException e) {
      cgroups.ifPresent(Cgroups::close);
      seccomp.delete();
      throw e;
    }
    String cgroupInfo = cgroups.map(c -> c.version().name()).orElse("none");
    String uidInfo =
        uids.map(u -> u.first() + "-" + (u.first() + u.count() - 1)).orElse("server's own");
    if (sandbox.tier() == Isolation.BWRAP) {
      LOG.info(
          "sandbox chosen tier={} requested={} cgroups={} uids={} protections={} enforced={}",
          sandbox.tier(),
          requested,
          cgroupInfo,
          uidInfo,
          sandbox.protections(),
          sandbox.enforcedLimits());
    } else {
      LOG.warn(
          "sandbox chosen tier={} requested={} cgroups={} uids={} protections={} enforced={} note=\"weaker than bwrap: install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces\"",
          sandbox.tier(),
          requested,
          cgroupInfo,
          uidInfo,
          sandbox.protections(),
          sandbox.enforcedLimits());
    }
    for (String gap : sandbox.gaps()) {
      LOG.warn("sandbox gap tier={} gap=\"{}\"", sandbox.tier(), gap);
    }
    if (cgroups.isEmpty()) {
      LOG.warn(
          "sandbox without cgroups: memory is capped per process by RLIMIT_DATA, processes by RLIMIT_NPROC {}; run as root or give the server a delegated cgroup v2 subtree for exact limits and OOM reporting",
          root
              ? "(per program: each runs under its own uid)"
              : "(counted over all tasks of the server's uid, so a program may start a few hundred more than its limit)");
    }
    return sandbox;
  }

  private static Sandbox auto(
      Optional<Cgroups> cgroups, Optional<SandboxUids> uids, SeccompFilter seccomp) {
    List<String> failures = new ArrayList<>();
    for (Sandbox candidate :
        List.of(
            new BwrapSandbox(cgroups, uids, seccomp),
            HostSandbox.unshare(cgroups, uids, seccomp))) {
      Optional<String> problem = probe(candidate);
      if (problem.isEmpty()) {
        return candidate;
      }
      if (candidate instanceof BwrapSandbox bwrap) {
        bwrap.deleteStatusDir();
      }
      failures.add(candidate.tier() + ": " + problem.get());
      LOG.warn("sandbox tier unavailable tier={} problem=\"{}\"", candidate.tier(), problem.get());
    }
    throw new IllegalStateException(
        "no isolating sandbox works on this host ("
            + String.join("; ", failures)
            + "); install bubblewrap (apt-get install bubblewrap) or set isolation=none explicitly to run programs unconfined");
  }

  private static Sandbox require(Sandbox sandbox, Isolation requested) {
    Optional<String> problem = probe(sandbox);
    if (problem.isPresent()) {
      if (sandbox instanceof BwrapSandbox bwrap) {
        bwrap.deleteStatusDir();
      }
      throw new IllegalStateException(
          "isolation "
              + requested
              + " was requested but does not work on this host: "
              + problem.get()
              + (requested == Isolation.BWRAP
                  ? " (install bubblewrap and allow unprivileged user namespaces)"
                  : ""));
    }
    return sandbox;
  }

  /** Runs a trivial program in the sandbox: empty when it printed what it should. */
  static Optional<String> probe(Sandbox sandbox) {
    Path probeRoot = null;
    try {
      // A private parent: a tier may adjust the workspace's parent (never /tmp itself).
      probeRoot = Files.createTempDirectory("livecode-probe-");
      Path workspace = Files.createDirectory(probeRoot.resolve("workspace"));
      LaunchSpec spec =
          new LaunchSpec(
              List.of("/bin/sh", "-c", "echo " + PROBE_OUTPUT),
              Map.of("PATH", "/usr/bin:/bin"),
              workspace,
              List.of(),
              SandboxLimits.DEFAULTS,
              false);
      try (ConfinedProcess started = sandbox.start(spec)) {
        Process process = started.process();
        process.getOutputStream().close();
        byte[] out;
        byte[] err;
        try (InputStream stdout = process.getInputStream();
            InputStream stderr = process.getErrorStream()) {
          if (!process.waitFor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.of("probe did not finish within " + PROBE_TIMEOUT);
          }
          out = stdout.readNBytes(4096);
          err = stderr.readNBytes(4096);
        }
        String text = new String(out, StandardCharsets.UTF_8).trim();
        if (process.exitValue() != 0 || !text.equals(PROBE_OUTPUT)) {
          return Optional.of(
              "probe exited "
                  + process.exitValue()
                  + " stderr="
                  + new String(err, StandardCharsets.UTF_8).trim());
        }
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.of(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    } finally {
      if (probeRoot != null) {
        deleteTree(probeRoot);
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.debug("probe workspace not deleted path={} error={}", dir, e.toString());
    }
  }

  /**
   * The limits held by a tier with (or without) these cgroups; wall time by {@link
   * ConfinedRun#await}.
   *
   * @param ownUid programs run under uids of their own (RLIMIT_NPROC then holds per program)
   */
  static List<String> enforced(Optional<Cgroups> cgroups, boolean ownUid, String... extra) {
    List<String> limits = new ArrayList<>(List.of("wall_time", "cpu_time"));
    boolean memory = cgroups.map(Cgroups::limitsMemory).orElse(false);
    limits.add(memory ? "memory" : "memory_per_process");
    if (cgroups.map(Cgroups::limitsProcesses).orElse(false) || ownUid || !isRoot()) {
      // A pids cgroup; or RLIMIT_NPROC, which holds for a uid that is not root.
      limits.add("processes");
    }
    limits.add("file_size");
    limits.addAll(List.of(extra));
    return List.copyOf(limits);
  }

  /** What {@link Sandbox#protections} lists for a tier with these properties. */
  static List<String> protections(
      List<String> base, boolean ownUid, boolean seccomp, boolean noUserNamespaces) {
    List<String> all = new ArrayList<>(base);
    if (seccomp) {
      all.add("seccomp");
      all.add("no_new_privs");
    }
    if (ownUid) {
      all.add("own_uid");
    }
    if (noUserNamespaces || seccomp) {
      // The filter refuses unshare and clone with CLONE_NEWUSER as well.
      all.add("no_user_namespaces");
    }
    return List.copyOf(all);
  }

  /** The seccomp gap of a tier, if any: why its programs run without the filter. */
  static List<String> gaps(SeccompFilter seccomp, boolean loaded, String loaderNote) {
    if (seccomp.missing().isPresent()) {
      return List.of("seccomp: " + seccomp.missing().get());
    }
    if (!loaded) {
      return List.of(
          "seccomp: no loader ("
              + loaderNote
              + ", which is missing); programs run without the filter");
    }
    return List.of();
  }

  private static final boolean ROOT = readIsRoot();

  /** Whether the server runs with effective uid 0 (read once). */
  static boolean isRoot() {
    return ROOT;
  }

  private static boolean readIsRoot() {
    try {
      return Files.readString(Path.of("/proc/self/status"))
          .lines()
          .filter(l -> l.startsWith("Uid:"))
          .findFirst()
          .map(l -> l.split("\\s+")[2].equals("0"))
          .orElse(false);
    } catch (IOException e) {
      return false;
    }
  }
}
