package dev.livecode.sandbox.internal;

import dev.livecode.sandbox.ConfinedProcess;
import dev.livecode.sandbox.Isolation;
import dev.livecode.sandbox.LaunchSpec;
import dev.livecode.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code unshare} tier (util-linux, always on Debian): own network (no interfaces up), PID
 * (with a private /proc), mount, IPC and UTS namespaces, rlimits and cgroups as available, and the
 * seccomp filter where the host allows it. As root the program runs under a uid of its own (see
 * {@link SandboxUids}), handed its workspace; as a normal user it runs as that user in a user
 * namespace.
 *
 * <p>Weaker than bwrap: it shares the host's file-system view (it can read whatever its uid, or the
 * server's user, may read: world-readable files, /tmp) and its workspace is on the host's disk,
 * capped only per file by RLIMIT_FSIZE.
 */
final class UnshareSandbox implements Sandbox {
  static final String UNSHARE = "/usr/bin/unshare";

  private final Optional<Cgroups> cgroups;
  private final Optional<SandboxUids> uids;
  private final SeccompFilter seccomp;

  UnshareSandbox(Optional<Cgroups> cgroups, Optional<SandboxUids> uids, SeccompFilter seccomp) {
    this.cgroups = cgroups;
    this.uids = uids;
    this.seccomp = seccomp;
  }

  @Override
  public Isolation tier() {
    return Isolation.UNSHARE;
  }

  @Override
  public List<String> enforcedLimits() {
    return Sandboxes.enforced(cgroups, uids.isPresent());
  }

  @Override
  public List<String> protections() {
    return Sandboxes.protections(
        List.of("namespaces"), uids.isPresent(), seccomp.hostCanLoad(), false);
  }

  @Override
  public List<String> gaps() {
    return Sandboxes.gaps(
        seccomp, seccomp.hostCanLoad(), "the unshare tier loads it with " + SeccompFilter.PERL);
  }

  @Override
  public ConfinedProcess start(LaunchSpec spec) throws IOException {
    Optional<SandboxUids.Lease> uid = uids.map(SandboxUids::acquire);
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
    unshare.addAll(seccomp.hostLoader(uid.map(SandboxUids.Lease::uid)));
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
        ? HostLaunch.unreachableByOthers(readOnlyPaths, "unshare")
        : Optional.empty();
  }

  @Override
  public void close() {
    cgroups.ifPresent(Cgroups::close);
  }
}
