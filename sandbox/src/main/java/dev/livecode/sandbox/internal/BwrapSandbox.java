package dev.livecode.sandbox.internal;

import dev.livecode.sandbox.ConfinedProcess;
import dev.livecode.sandbox.Isolation;
import dev.livecode.sandbox.LaunchSpec;
import dev.livecode.sandbox.Sandbox;
import dev.livecode.sandbox.SandboxLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 * interpreters read, the runner's read-only paths, a private /proc with the host-wide parts masked
 * ({@code /proc/sys} and friends empty and read-only, kernel tables behind /dev/null) and a private
 * /dev; the program runs as uid/gid 65534 with no capabilities, in its own session, under the
 * seccomp filter, without further user namespaces, and dies with its parent.
 *
 * <p>As root, bwrap itself is started under a host uid of its own for the program ({@link
 * SandboxUids}, via setpriv: no groups, no_new_privs), so the namespace's 65534 is that uid on the
 * host, never root. What that uid could not open (the workspace, the status file, the filter) the
 * root launch shell opens and hands in by descriptor; bwrap's own arguments come through a
 * descriptor too ({@code --args}), so neither the program's {@code /proc/1/cmdline} nor its
 * mountinfo shows a host path of the server.
 *
 * <p>The workspace is seen at {@link LaunchSpec#SANDBOX_WORKDIR} as cwd and HOME: for a run, a
 * size-capped tmpfs (4 x the file-size limit, and charged to the memory cgroup) with copies of the
 * program's files made read-only in it ({@code --ro-bind-data}), so neither a huge file nor many
 * files reach the host's disk; for a compile step, the host workspace bound read-write so the
 * compiler's output survives for the run (compilers are ours; RLIMIT_FSIZE still holds). /tmp is a
 * small tmpfs.
 *
 * <p>bwrap itself starts with an empty environment (its environment is readable inside at
 * /proc/1/environ); the program's environment is given with --clearenv/--setenv.
 */
final class BwrapSandbox implements Sandbox {
  private static final Logger LOG = LoggerFactory.getLogger(BwrapSandbox.class);
  static final String BWRAP = "/usr/bin/bwrap";
  static final String SANDBOX_UID = "65534";
  private static final int STATUS_FD = 3;
  private static final int SECCOMP_FD = 4;
  private static final int ARGS_FD = 5;
  private static final int FIRST_FILE_FD = 6;

  private static final AtomicLong RUNS = new AtomicLong();
  private final Optional<Cgroups> cgroups;
  private final Optional<SandboxUids> uids;
  private final SeccompFilter seccomp;
  private final boolean disablesUserns;

  /**
   * A private folder (0700) for bwrap's per-run status and argument files, outside every workspace.
   */
  private final Path statusDir;

  /** Set once by {@link #prepare}, before the first start. */
  private volatile Optional<ReadyLaunchers> launchers = Optional.empty();

  BwrapSandbox(Optional<Cgroups> cgroups, Optional<SandboxUids> uids, SeccompFilter seccomp) {
    this.cgroups = cgroups;
    this.uids = uids;
    this.seccomp = seccomp;
    this.disablesUserns = supportsDisableUserns();
    try {
      this.statusDir =
          Files.createTempDirectory(
              "livecode-bwrap-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the sandbox's status folder", e);
    }
  }

  @Override
  public Isolation tier() {
    return Isolation.BWRAP;
  }

  @Override
  public List<String> enforcedLimits() {
    return Sandboxes.enforced(cgroups, uids.isPresent(), "workspace_size");
  }

  @Override
  public List<String> protections() {
    return Sandboxes.protections(
        List.of("namespaces"), uids.isPresent(), seccomp.file().isPresent(), disablesUserns);
  }

  @Override
  public List<String> gaps() {
    List<String> gaps = new ArrayList<>(Sandboxes.gaps(seccomp, seccomp.file().isPresent(), ""));
    if (!disablesUserns) {
      gaps.add(
          "nested user namespaces: this bwrap has no --disable-userns (bubblewrap 0.8 or newer has it); "
              + "the seccomp filter still refuses unshare and clone with namespace flags");
    }
    return List.copyOf(gaps);
  }

  @Override
  public void prepare(SandboxLimits limits, int launches) {
    if (cgroups.isPresent() && launches > 0 && this.launchers.isEmpty()) {
      this.launchers =
          Optional.of(
              new ReadyLaunchers(
                  cgroups.get(),
                  limits,
                  launches,
                  uids.isPresent(),
                  task -> {
                    Thread thread = new Thread(task, "livecode-launchers");
                    thread.setDaemon(true);
                    return thread;
                  }));
    }
  }

  @Override
  public ConfinedProcess start(LaunchSpec spec) throws IOException {
    Optional<SandboxUids.Lease> uid = uids.map(SandboxUids::acquire);
    String run = "run-" + RUNS.incrementAndGet();
    Path status = statusDir.resolve(run + ".json");
    Path argsFile = statusDir.resolve(run + ".args");
    List<Path> scratch = List.of(argsFile);
    try {
      List<RlimitShell.Redirect> redirects =
          new ArrayList<>(List.of(new RlimitShell.Redirect(STATUS_FD, status, true)));
      seccomp
          .file()
          .ifPresent(file -> redirects.add(new RlimitShell.Redirect(SECCOMP_FD, file, false)));
      redirects.add(new RlimitShell.Redirect(ARGS_FD, argsFile, false));
      writeArgs(argsFile, bwrapArgs(spec, uid, redirects));
      List<String> command =
          new ArrayList<>(uid.map(lease -> SeccompFilter.setpriv(lease.uid())).orElse(List.of()));
      // The program's command stays on the command line: bwrap takes it only from there.
      command.addAll(List.of(BWRAP, "--args", Integer.toString(ARGS_FD), "--"));
      command.addAll(spec.argv());
      Optional<ReadyLaunchers.Launcher> launcher =
          RlimitShell.shellFor(redirects).equals(RlimitShell.DASH)
              ? launchers.flatMap(ready -> ready.take(spec.limits()))
              : Optional.empty();
      if (launcher.isPresent()) {
        try {
          return launcher
              .get()
              .exec(
                  redirects,
                  command,
                  statusDir.resolve(run + ".sh"),
                  status,
                  scratch,
                  spec.limits().cpuTime(),
                  uid);
        } catch (IOException e) {
          LOG.warn("launch shell unusable, starting one for this run error={}", e.toString());
        }
      }
      return startShell(spec, uid, redirects, command, status, scratch);
    } catch (IOException | RuntimeException e) {
      uid.ifPresent(SandboxUids.Lease::close);
      Files.deleteIfExists(status);
      Files.deleteIfExists(argsFile);
      throw e;
    }
  }

  /**
   * A fork server where the server is root (each program then has a uid of its own to drop to) on
   * x86_64 (its children make raw system calls by number, as the seccomp filter is x86_64's).
   */
  @Override
  public Optional<Sandbox> forkServer(LaunchSpec template) {
    if (uids.isEmpty() || !"amd64".equals(System.getProperty("os.arch"))) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ForkServerSandbox(this, template, cgroups, uids.get(), seccomp.file(), statusDir));
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "fork server unavailable, warm interpreters start in bwrap error=\"{}\"", e.getMessage());
      return Optional.empty();
    }
  }

  private ConfinedProcess startShell(
      LaunchSpec spec,
      Optional<SandboxUids.Lease> uid,
      List<RlimitShell.Redirect> redirects,
      List<String> command,
      Path status,
      List<Path> scratch)
      throws IOException {
    Optional<RunGroup> group =
        cgroups.isPresent() ? Optional.of(cgroups.get().acquire(spec.limits())) : Optional.empty();
    try {
      ProcessBuilder builder =
          new ProcessBuilder(
                  RlimitShell.wrap(spec, cgroups, group, uid.isPresent(), redirects, command))
              .directory(Path.of("/").toFile());
      builder.environment().clear();
      return new ConfinedRun(
          builder.start(),
          group,
          spec.limits().cpuTime(),
          false,
          Optional.of(status),
          scratch,
          uid);
    } catch (IOException | RuntimeException e) {
      group.ifPresent(RunGroup::release);
      throw e;
    }
  }

  /** bwrap's arguments, NUL-terminated each, as {@code --args} reads them. */
  private static void writeArgs(Path file, List<String> args) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String arg : args) {
      if (arg.indexOf('\0') >= 0) {
        throw new IOException("a sandbox argument holds a NUL character");
      }
      text.append(arg).append('\0');
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /**
   * The options of bwrap (what {@code --args} reads); the files bwrap is handed by descriptor are
   * added to {@code redirects}.
   */
  private List<String> bwrapArgs(
      LaunchSpec spec, Optional<SandboxUids.Lease> uid, List<RlimitShell.Redirect> redirects)
      throws IOException {
    String work = LaunchSpec.SANDBOX_WORKDIR;
    List<String> args =
        new ArrayList<>(
            List.of(
                "--json-status-fd",
                Integer.toString(STATUS_FD),
                "--unshare-all",
                "--unshare-user",
                "--die-with-parent",
                "--new-session",
                "--uid",
                SANDBOX_UID,
                "--gid",
                SANDBOX_UID,
                "--hostname",
                "livecode"));
    if (disablesUserns) {
      args.add("--disable-userns");
    }
    if (seccomp.file().isPresent()) {
      args.addAll(List.of("--seccomp", Integer.toString(SECCOMP_FD)));
    }
    for (SandboxRoot.Bind bind : SandboxRoot.binds(spec.readOnlyPaths())) {
      args.addAll(List.of(bind.kind().bwrapOption, bind.source(), bind.target()));
    }
    args.addAll(List.of("--proc", "/proc"));
    args.addAll(PROC_MASKS);
    args.addAll(List.of("--dev", "/dev"));
    long fileCap = spec.limits().maxFileBytes();
    args.addAll(List.of("--size", Long.toString(fileCap), "--tmpfs", "/tmp"));
    if (spec.writesBack()) {
      if (uid.isPresent()) {
        HostLaunch.handTo(spec.workspace(), uid.get().uid());
      }
      args.addAll(List.of("--bind", spec.workspace().toString(), work));
    } else {
      args.addAll(List.of("--size", Long.toString(workspaceBytes(fileCap)), "--tmpfs", work));
      addWorkspaceFiles(spec.workspace(), work, args, redirects);
    }
    args.addAll(List.of("--chdir", work, "--clearenv"));
    for (Map.Entry<String, String> e : spec.env().entrySet()) {
      args.addAll(List.of("--setenv", e.getKey(), e.getValue()));
    }
    args.addAll(List.of("--setenv", "HOME", work, "--setenv", "TMPDIR", work));
    return args;
  }

  /**
   * Each file of the workspace as a read-only copy in the sandbox's tmpfs, read by bwrap from a
   * descriptor the launch shell opened (so the program's uid needs no access to the host workspace,
   * and no host path shows in its mountinfo); each folder made in the tmpfs.
   */
  private static void addWorkspaceFiles(
      Path workspace, String work, List<String> args, List<RlimitShell.Redirect> redirects)
      throws IOException {
    int fd = FIRST_FILE_FD;
    try (Stream<Path> entries = Files.walk(workspace)) {
      for (Path entry : entries.sorted().toList()) {
        if (entry.equals(workspace)) {
          continue;
        }
        String inside = work + "/" + workspace.relativize(entry);
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          args.addAll(List.of("--dir", inside));
        } else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          redirects.add(new RlimitShell.Redirect(fd, entry, false));
          // A compiled program stays executable; nothing else is.
          String perms = Files.isExecutable(entry) ? "0555" : "0444";
          args.addAll(List.of("--perms", perms, "--ro-bind-data", Integer.toString(fd), inside));
          fd++;
        }
      }
    }
  }

  private static final List<String> PROC_MASKS = procMasks();

  /**
   * The masks of /proc for what this kernel has (bwrap cannot bind over a file that is not there).
   */
  private static List<String> procMasks() {
    List<String> args = new ArrayList<>();
    for (String dir : SandboxRoot.procDirsEmptied()) {
      args.addAll(
          List.of("--perms", "0555", "--tmpfs", "/proc/" + dir, "--remount-ro", "/proc/" + dir));
    }
    for (String file : SandboxRoot.procFilesHidden()) {
      args.addAll(List.of("--ro-bind", "/dev/null", "/proc/" + file));
    }
    return List.copyOf(args);
  }

  /** Whether this bwrap can switch off user namespaces inside the sandbox (bubblewrap 0.8+). */
  private static boolean supportsDisableUserns() {
    try {
      Process help = new ProcessBuilder(BWRAP, "--help").redirectErrorStream(true).start();
      String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      help.waitFor();
      return text.contains("--disable-userns");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The run's private workspace: room for a few files at the file-size limit. */
  static long workspaceBytes(long maxFileBytes) {
    long bytes = maxFileBytes * 4;
    return bytes < 0 ? Long.MAX_VALUE / 2 : Math.max(bytes, 1024 * 1024);
  }

  /** Whether the program's uid can reach these paths: all of them when the server is not root. */
  @Override
  public Optional<String> unreachable(List<Path> readOnlyPaths) {
    return uids.isPresent()
        ? HostLaunch.unreachableByOthers(readOnlyPaths, "bwrap")
        : Optional.empty();
  }

  @Override
  public void close() {
    launchers.ifPresent(ReadyLaunchers::close);
    cgroups.ifPresent(Cgroups::close);
    seccomp.delete();
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
