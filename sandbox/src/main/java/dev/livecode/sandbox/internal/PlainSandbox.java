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
 * The {@code none} tier: a plain subprocess in its own session (so its process group can be
 * killed), with rlimits for CPU time and file size set by the shell before it execs the program,
 * the cgroup limits when this host offers them, the seccomp filter where the host allows it and, as
 * root, a uid of its own. No namespace: it sees and can reach all its uid can. Only when asked for
 * explicitly.
 */
final class PlainSandbox implements Sandbox {
  private final Optional<Cgroups> cgroups;
  private final Optional<SandboxUids> uids;
  private final SeccompFilter seccomp;

  PlainSandbox(Optional<Cgroups> cgroups, Optional<SandboxUids> uids, SeccompFilter seccomp) {
    this.cgroups = cgroups;
    this.uids = uids;
    this.seccomp = seccomp;
  }

  @Override
  public Isolation tier() {
    return Isolation.NONE;
  }

  @Override
  public List<String> enforcedLimits() {
    return Sandboxes.enforced(cgroups, uids.isPresent());
  }

  @Override
  public List<String> protections() {
    return Sandboxes.protections(List.of(), uids.isPresent(), seccomp.hostCanLoad(), false);
  }

  @Override
  public List<String> gaps() {
    return Sandboxes.gaps(
        seccomp, seccomp.hostCanLoad(), "the none tier loads it with " + SeccompFilter.PERL);
  }

  @Override
  public ConfinedProcess start(LaunchSpec spec) throws IOException {
    Optional<SandboxUids.Lease> uid = uids.map(SandboxUids::acquire);
    List<String> inner = new ArrayList<>(seccomp.hostLoader(uid.map(SandboxUids.Lease::uid)));
    inner.addAll(spec.argv());
    return HostLaunch.start(spec, cgroups, List.of("/usr/bin/setsid"), inner, true, uid);
  }

  @Override
  public Optional<String> unreachable(List<Path> readOnlyPaths) {
    return uids.isPresent()
        ? HostLaunch.unreachableByOthers(readOnlyPaths, "none")
        : Optional.empty();
  }

  @Override
  public void close() {
    cgroups.ifPresent(Cgroups::close);
  }
}
