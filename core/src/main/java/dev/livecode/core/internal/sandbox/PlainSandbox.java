package dev.livecode.core.internal.sandbox;

import dev.livecode.core.IsolationMode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The {@code none} tier: a plain subprocess in its own session (so its process group can be
 * killed), with rlimits for CPU time and file size set by the shell before it execs the program,
 * and the cgroup limits when this host offers them. No namespace: it sees and can reach all the
 * server's user can. Only when asked for explicitly.
 */
public final class PlainSandbox implements Sandbox {
  private final Optional<Cgroups> cgroups;

  public PlainSandbox() {
    this(Optional.empty());
  }

  PlainSandbox(Optional<Cgroups> cgroups) {
    this.cgroups = cgroups;
  }

  @Override
  public IsolationMode tier() {
    return IsolationMode.NONE;
  }

  @Override
  public List<String> enforcedLimits() {
    return Sandboxes.enforced(cgroups);
  }

  @Override
  public SandboxedProcess start(LaunchSpec spec) throws IOException {
    return HostLaunch.start(spec, cgroups, List.of("/usr/bin/setsid"), spec.argv(), true);
  }

  @Override
  public void close() {
    cgroups.ifPresent(Cgroups::close);
  }
}
