package dev.livecode.core.internal.sandbox;

import dev.livecode.core.IsolationMode;
import dev.livecode.core.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code bwrap} tier (bubblewrap): new user, PID, network, IPC, UTS, cgroup and mount
 * namespaces; a fresh root with only /usr (and the merged-usr symlinks), a few /etc files the
 * interpreters read, the runner's read-only paths, a private /proc and /dev; the program runs as
 * uid/gid 65534 with no capabilities, in its own session, and dies with its parent.
 *
 * <p>The workspace is seen at {@link LaunchSpec#SANDBOX_WORKDIR} as cwd and HOME: for a run, a
 * size-capped tmpfs (4 x the file-size limit, and charged to the memory cgroup) with the
 * program's files bound read-only into it, so neither a huge file nor many files reach the
 * host's disk; for a compile step, the host workspace bound read-write so the compiler's output
 * survives for the run (compilers are ours; RLIMIT_FSIZE still holds). /tmp is a small tmpfs.
 *
 * <p>bwrap itself starts with an empty environment (its environment is readable inside at
 * /proc/1/environ); the program's environment is given with --clearenv/--setenv.
 */
final class BwrapSandbox implements Sandbox {
  private static final Logger LOG = LoggerFactory.getLogger(BwrapSandbox.class);
  static final String BWRAP = "/usr/bin/bwrap";
  static final String SANDBOX_UID = "65534";
  private static final String COMPILE_STEP = "compile";
  private static final List<String> ETC = List.of(
      "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/passwd", "/etc/group",
      "/etc/nsswitch.conf", "/etc/alternatives", "/etc/ssl/certs", "/etc/mime.types");
  private static final List<String> MERGED_USR = List.of("/bin", "/lib", "/lib64", "/sbin", "/lib32", "/libx32");

  private static final AtomicLong RUNS = new AtomicLong();
  private final Optional<Cgroups> cgroups;
  /** A private folder (0700) for bwrap's per-run status files, outside every workspace. */
  private final Path statusDir;
  /** Set once by {@link #prepare}, before the first start. */
  private volatile Optional<ReadyLaunchers> launchers = Optional.empty();

  BwrapSandbox(Optional<Cgroups> cgroups) {
    this.cgroups = cgroups;
    try {
      this.statusDir = Files.createTempDirectory("livecode-bwrap-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the sandbox's status folder", e);
    }
  }

  @Override
  public IsolationMode tier() {
    return IsolationMode.BWRAP;
  }

  @Override
  public List<String> enforcedLimits() {
    return Sandboxes.enforced(cgroups, "workspace_size");
  }

  @Override
  public void prepare(Limits limits, int launches) {
    if (cgroups.isPresent() && launches > 0 && this.launchers.isEmpty()) {
      this.launchers = Optional.of(new ReadyLaunchers(cgroups.get(), limits, launches, task -> {
        Thread thread = new Thread(task, "livecode-launchers");
        thread.setDaemon(true);
        return thread;
      }));
    }
  }

  @Override
  public SandboxedProcess start(LaunchSpec spec) throws IOException {
    List<String> bwrap = bwrapArgs(spec);
    Optional<ReadyLaunchers.Launcher> launcher = launchers.flatMap(ready -> ready.take(spec.limits()));
    if (launcher.isPresent()) {
      String run = "run-" + RUNS.incrementAndGet();
      try {
        return launcher.get().exec(bwrap, statusDir.resolve(run + ".json"), statusDir.resolve(run + ".sh"),
            spec.limits().cpuTime());
      } catch (IOException e) {
        LOG.warn("launch shell unusable, starting one for this run error={}", e.toString());
      }
    }
    Optional<RunGroup> group = cgroups.isPresent() ? Optional.of(cgroups.get().acquire(spec.limits())) : Optional.empty();
    Path status = statusDir.resolve("run-" + RUNS.incrementAndGet() + ".json");
    try {
      List<String> command = RlimitShell.wrap(spec, cgroups, group, status, bwrap);
      ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("/").toFile());
      builder.environment().clear();
      return new ConfinedProcess(builder.start(), group, spec.limits().cpuTime(), false, Optional.of(status));
    } catch (IOException | RuntimeException e) {
      group.ifPresent(RunGroup::release);
      Files.deleteIfExists(status);
      throw e;
    }
  }

  private static List<String> bwrapArgs(LaunchSpec spec) throws IOException {
    String work = LaunchSpec.SANDBOX_WORKDIR;
    List<String> args = new ArrayList<>(List.of(BWRAP,
        "--json-status-fd", "3", "--unshare-all", "--die-with-parent", "--new-session",
        "--uid", SANDBOX_UID, "--gid", SANDBOX_UID, "--hostname", "livecode",
        "--ro-bind", "/usr", "/usr"));
    for (String dir : MERGED_USR) {
      Path path = Path.of(dir);
      if (Files.isSymbolicLink(path)) {
        args.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), dir));
      } else if (Files.isDirectory(path)) {
        args.addAll(List.of("--ro-bind", dir, dir));
      }
    }
    for (String etc : ETC) {
      args.addAll(List.of("--ro-bind-try", etc, etc));
    }
    for (Path path : spec.readOnlyPaths()) {
      String p = path.toAbsolutePath().normalize().toString();
      if (!Files.exists(path)) {
        throw new IOException("read-only path of the runner does not exist: " + p);
      }
      if (!p.equals("/usr") && !p.startsWith("/usr/")) {
        args.addAll(List.of("--ro-bind", p, p));
      }
    }
    long fileCap = spec.limits().maxFileBytes();
    args.addAll(List.of("--proc", "/proc", "--dev", "/dev",
        "--size", Long.toString(fileCap), "--tmpfs", "/tmp"));
    if (spec.name().equals(COMPILE_STEP)) {
      args.addAll(List.of("--bind", spec.workspace().toString(), work));
    } else {
      args.addAll(List.of("--size", Long.toString(workspaceBytes(fileCap)), "--tmpfs", work));
      try (Stream<Path> entries = Files.list(spec.workspace())) {
        for (Path entry : entries.toList()) {
          args.addAll(List.of("--ro-bind", entry.toString(), work + "/" + entry.getFileName()));
        }
      }
    }
    args.addAll(List.of("--chdir", work, "--clearenv"));
    for (Map.Entry<String, String> e : spec.env().entrySet()) {
      args.addAll(List.of("--setenv", e.getKey(), e.getValue()));
    }
    args.addAll(List.of("--setenv", "HOME", work, "--setenv", "TMPDIR", work, "--"));
    args.addAll(spec.argv());
    return args;
  }

  /** The run's private workspace: room for a few files at the file-size limit. */
  static long workspaceBytes(long maxFileBytes) {
    long bytes = maxFileBytes * 4;
    return bytes < 0 ? Long.MAX_VALUE / 2 : Math.max(bytes, 1024 * 1024);
  }

  @Override
  public void close() {
    launchers.ifPresent(ReadyLaunchers::close);
    cgroups.ifPresent(Cgroups::close);
    deleteStatusDir();
  }

  /** Drops this sandbox's own files, leaving the (shared) cgroups: for a candidate not chosen. */
  void deleteStatusDir() {
    try (Stream<Path> left = Files.list(statusDir)) {
      for (Path file : left.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(statusDir);
    } catch (IOException e) {
      // Only status files of this server; nothing to do.
    }
  }
}
