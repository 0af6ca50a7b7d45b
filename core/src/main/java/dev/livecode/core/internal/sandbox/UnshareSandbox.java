package dev.livecode.core.internal.sandbox;

import dev.livecode.core.IsolationMode;
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
 * The {@code unshare} tier (util-linux, always on Debian): own network (no interfaces up), PID
 * (with a private /proc), mount, IPC and UTS namespaces, rlimits and cgroups as available. As
 * root the program runs as uid/gid 65534 (so mode-600 files stay closed to it); as a normal
 * user it runs as that user in a user namespace.
 *
 * <p>As root, the run's workspace is handed to uid 65534 and its root gains o+x (traverse, not
 * list), so runs find only their own workspace, whose name is unguessable.
 *
 * <p>Weaker than bwrap: it shares the host's file-system view (it can read whatever uid 65534,
 * or the server's user, may read: world-readable files, /tmp) and its workspace is on the host's
 * disk, capped only per file by RLIMIT_FSIZE.
 */
final class UnshareSandbox implements Sandbox {
  static final String UNSHARE = "/usr/bin/unshare";

  private final Optional<Cgroups> cgroups;
  private final boolean root;

  UnshareSandbox(Optional<Cgroups> cgroups, boolean root) {
    this.cgroups = cgroups;
    this.root = root;
  }

  @Override
  public IsolationMode tier() {
    return IsolationMode.UNSHARE;
  }

  @Override
  public List<String> enforcedLimits() {
    return Sandboxes.enforced(cgroups);
  }

  @Override
  public SandboxedProcess start(LaunchSpec spec) throws IOException {
    Path workspace = spec.workspace();
    if (root) {
      // The program runs as 65534: let it into its own workspace (and only traverse the root).
      Files.setAttribute(workspace, "unix:uid", Integer.parseInt(BwrapSandbox.SANDBOX_UID));
      Files.setAttribute(workspace, "unix:gid", Integer.parseInt(BwrapSandbox.SANDBOX_UID));
      // Only ever adds o+x to a private workspace root (0700 -> 0701: traversable, not listable);
      // never touches a parent that others can already traverse (such as /tmp).
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
    List<String> unshare = new ArrayList<>(List.of(UNSHARE, "--fork", "--kill-child", "--pid", "--mount-proc",
        "--net", "--ipc", "--uts"));
    if (root) {
      unshare.addAll(List.of("--setuid", BwrapSandbox.SANDBOX_UID, "--setgid", BwrapSandbox.SANDBOX_UID));
    } else {
      unshare.add("--map-current-user");
    }
    // util-linux 2.38's unshare exits 1 when its child dies of a signal ("sigprocmask unblock
    // failed"): a shell as the namespace's init reports the program's death as 128 + signal.
    unshare.addAll(List.of("--", "/bin/sh", "-c", "\"$@\"; exit $?", "sh"));
    unshare.addAll(spec.argv());
    return HostLaunch.start(spec, cgroups, List.of(), unshare, false);
  }

  /**
   * As root the program runs as uid 65534 in the host's file view, so an interpreter under a
   * private folder (a pyenv Python in /root) is out of its reach: every folder above it must be
   * traversable by others.
   */
  @Override
  public Optional<String> unreachable(List<Path> readOnlyPaths) {
    if (!root) {
      return Optional.empty();
    }
    for (Path path : readOnlyPaths) {
      for (Path dir = path.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
        try {
          if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
            return Optional.of(dir + " is not reachable by uid " + BwrapSandbox.SANDBOX_UID
                + " in the unshare tier; use the bwrap tier, or an interpreter under /usr");
          }
        } catch (IOException e) {
          return Optional.of(dir + " cannot be read: " + e.getMessage());
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    cgroups.ifPresent(Cgroups::close);
  }
}
