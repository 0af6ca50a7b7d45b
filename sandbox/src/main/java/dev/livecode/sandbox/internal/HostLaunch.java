package dev.livecode.sandbox.internal;

import dev.livecode.sandbox.ConfinedProcess;
import dev.livecode.sandbox.LaunchSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
   * @param uid the program's own uid (the server is root), already written into {@code inner}
   */
  static ConfinedProcess start(
      LaunchSpec spec,
      Optional<Cgroups> cgroups,
      List<String> prefix,
      List<String> inner,
      boolean ownProcessGroup,
      Optional<SandboxUids.Lease> uid)
      throws IOException {
    Optional<RunGroup> group = Optional.empty();
    try {
      if (uid.isPresent()) {
        handTo(spec.workspace(), uid.get().uid());
      }
      group =
          cgroups.isPresent()
              ? Optional.of(cgroups.get().acquire(spec.limits()))
              : Optional.empty();
      List<String> command = new ArrayList<>(prefix);
      command.addAll(RlimitShell.wrap(spec, cgroups, group, uid.isPresent(), List.of(), inner));
      ProcessBuilder builder = new ProcessBuilder(command).directory(spec.workspace().toFile());
      builder.environment().clear();
      builder.environment().putAll(spec.env());
      builder.environment().put("HOME", spec.workspace().toString());
      builder.environment().put("TMPDIR", spec.workspace().toString());
      return new ConfinedRun(
          builder.start(),
          group,
          spec.limits().cpuTime(),
          ownProcessGroup,
          Optional.empty(),
          List.of(),
          uid);
    } catch (IOException | RuntimeException e) {
      group.ifPresent(RunGroup::release);
      uid.ifPresent(SandboxUids.Lease::close);
      throw e;
    }
  }

  /**
   * Gives the run's workspace to the program's uid, so it can write there in the host's view, and
   * lets others traverse (never list) the workspaces' private root: each workspace has an
   * unguessable name and is closed to every other uid. Only ever adds o+x to a root the engine made
   * mode 0700; never touches a parent others can already traverse (such as /tmp).
   */
  static void handTo(Path workspace, int uid) throws IOException {
    Files.setAttribute(workspace, "unix:uid", uid);
    Files.setAttribute(workspace, "unix:gid", uid);
    Files.setPosixFilePermissions(
        workspace,
        EnumSet.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE));
    Path parent = workspace.getParent();
    if (parent != null) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(parent);
      if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        Set<PosixFilePermission> traversable = EnumSet.copyOf(perms);
        traversable.add(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(parent, traversable);
      }
    }
  }

  /**
   * Why a program under a uid of its own (not root, in no group) cannot reach these host paths, or
   * empty: every folder above each must be traversable by others.
   */
  static Optional<String> unreachableByOthers(List<Path> paths, String tier) {
    for (Path path : paths) {
      for (Path dir = path.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
        try {
          if (Files.isDirectory(dir)
              && !Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
            return Optional.of(
                dir
                    + " is not reachable by the programs' own uids in the "
                    + tier
                    + " tier; use an interpreter under /usr");
          }
        } catch (IOException e) {
          return Optional.of(dir + " cannot be read: " + e.getMessage());
        }
      }
    }
    return Optional.empty();
  }
}
