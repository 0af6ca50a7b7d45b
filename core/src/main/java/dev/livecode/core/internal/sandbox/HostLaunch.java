package dev.livecode.core.internal.sandbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts a program in the host's file view (the none and unshare tiers): in its own cgroup when
 * there are cgroups, the workspace as working directory, HOME and TMPDIR, and the spec's
 * environment and nothing of the server's.
 */
final class HostLaunch {
  private HostLaunch() {}

  /**
   * @param prefix what runs before the rlimit shell (e.g. setsid)
   * @param inner what the rlimit shell execs (the program, or unshare and then the program)
   * @param ownProcessGroup whether the program leads its own process group (killed as a group)
   */
  static SandboxedProcess start(LaunchSpec spec, Optional<Cgroups> cgroups, List<String> prefix, List<String> inner,
      boolean ownProcessGroup) throws IOException {
    Optional<RunGroup> group = cgroups.isPresent() ? Optional.of(cgroups.get().acquire(spec.limits())) : Optional.empty();
    try {
      List<String> command = new ArrayList<>(prefix);
      command.addAll(RlimitShell.wrap(spec, cgroups, group, null, inner));
      ProcessBuilder builder = new ProcessBuilder(command).directory(spec.workspace().toFile());
      builder.environment().clear();
      builder.environment().putAll(spec.env());
      builder.environment().put("HOME", spec.workspace().toString());
      builder.environment().put("TMPDIR", spec.workspace().toString());
      return new ConfinedProcess(builder.start(), group, spec.limits().cpuTime(), ownProcessGroup);
    } catch (IOException | RuntimeException e) {
      group.ifPresent(RunGroup::release);
      throw e;
    }
  }
}
