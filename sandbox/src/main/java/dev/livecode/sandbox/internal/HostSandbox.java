package dev.livecode.sandbox.internal;

import dev.livecode.sandbox.ConfinedProcess;
import dev.livecode.sandbox.Isolation;
import dev.livecode.sandbox.LaunchSpec;
import dev.livecode.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The two tiers that share the host's file-system view (a program can read whatever its uid, or the
 * server's user, may read: world-readable files, /tmp), with its workspace on the host's disk,
 * capped only per file by RLIMIT_FSIZE. Both get rlimits set by the launch shell before it execs
 * the program, cgroups as available, the seccomp filter where the host allows it and, as root, a
 * uid of their own (see {@link SandboxUids}), handed their workspace.
 *
 * <ul>
 *   <li>{@code unshare} (util-linux, always on Debian): own network (no interfaces up), PID (with a
 *       private /proc), mount, IPC and UTS namespaces; as a normal user the program runs as that
 *       user in a user namespace.
 *   <li>{@code none}: a plain subprocess in its own session (so its process group can be killed).
 *       No namespace: it sees and can reach all its uid can. Only when asked for explicitly.
 * </ul>
 */
final class HostSandbox implements Sandbox {
  static final String UNSHARE = "/usr/bin/unshare";

  private final Isolation tier;
  private final Optional<Cgroups> cgroups;
  private final Optional<SandboxUids> uids;
  private final SeccompFilter seccomp;

  private HostSandbox(
      Isolation tier,
      Optional<Cgroups> cgroups,
      Optional<SandboxUids> uids,
      SeccompFilter seccomp) {
    this.tier = tier;
    this.cgroups = cgroups;
    this.uids = uids;
    this.seccomp = seccomp;
  }

  static HostSandbox unshare(
      Optional<Cgroups> cgroups, Optional<SandboxUids> uids, SeccompFilter seccomp) {
    return new HostSandbox(Isolation.UNSHARE, cgroups, uids, seccomp);
  }

  static HostSandbox none(
      Optional<Cgroups> cgroups, Optional<SandboxUids> uids, SeccompFilter seccomp) {
    return new HostSandbox(Isolation.NONE, cgroups, uids, seccomp);
  }

  @Override
  public Isolation tier() {
    return tier;
  }

  @Override
  public List<String> enforcedLimits() {
    return Sandboxes.enforced(cgroups, uids.isPresent());
  }

  @Override
  public List<String> protections() {
    List<String> namespaces = tier == Isolation.UNSHARE ? List.of("namespaces") : List.of();
    return Sandboxes.protections(namespaces, uids.isPresent(), seccomp.hostCanLoad(), false);
  }

  @Override
  public List<String> gaps() {
    return Sandboxes.gaps(
        seccomp,
        seccomp.hostCanLoad(),
        "the " + tierName() + " tier loads it with " + SeccompFilter.PERL);
  }

  @Override
  public ConfinedProcess start(LaunchSpec spec) throws IOException {
    Optional<SandboxUids.Lease> uid = uids.map(SandboxUids::acquire);
    List<String> loader = seccomp.hostLoader(uid.map(SandboxUids.Lease::uid));
    if (tier == Isolation.NONE) {
      List<String> inner = new ArrayList<>(loader);
      inner.addAll(spec.argv());
      return HostLaunch.start(spec, cgroups, List.of("/usr/bin/setsid"), inner, true, uid);
    }
    List<String> unshare =
        new ArrayList<>(
            List.of(
                UNSHARE,
                "--fork",
                "--kill-child",
                "--pid",
                "--mount-proc",
                "--net",
                "--ipc",
                "--uts"));
    if (uid.isEmpty()) {
      unshare.add("--map-current-user");
    }
    // util-linux 2.38's unshare exits 1 when its child dies of a signal ("sigprocmask unblock
    // failed"): a shell as the namespace's init reports the program's death as 128 + signal.
    // The loader drops to the program's uid and loads the filter after unshare has made the
    // namespaces, which the filter forbids.
    unshare.addAll(List.of("--", "/bin/sh", "-c", "\"$@\"; exit $?", "sh"));
    unshare.addAll(loader);
    unshare.addAll(spec.argv());
    return HostLaunch.start(spec, cgroups, List.of(), unshare, false, uid);
  }

  /**
   * As root the program runs under its own uid in the host's file view: see {@link
   * HostLaunch#unreachableByOthers}.
   */
  @Override
  public Optional<String> unreachable(List<Path> readOnlyPaths) {
    return uids.isPresent()
        ? HostLaunch.unreachableByOthers(readOnlyPaths, tierName())
        : Optional.empty();
  }

  @Override
  public void close() {
    cgroups.ifPresent(Cgroups::close);
  }

  private String tierName() {
    return tier.name().toLowerCase(Locale.ROOT);
  }
}
