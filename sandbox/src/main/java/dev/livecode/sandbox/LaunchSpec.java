package dev.livecode.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start: the command, its full environment (already minimal: nothing of the server's is
 * added), the host workspace that becomes the program's working directory and HOME, host paths to
 * expose read-only, and the limits.
 *
 * <p>The sandbox sets HOME and TMPDIR to the workspace as the program sees it. Inside a namespace
 * sandbox the workspace is seen at {@link #SANDBOX_WORKDIR}; argv refers to program files relative
 * to the working directory, so it is the same for every tier.
 *
 * @param writesBack whether what the program writes in its workspace must reach the host folder (a
 *     compile step, whose output the run then uses). Otherwise a tier may give the program copies
 *     of the workspace's files in a private, size-capped folder (bwrap does); the host tiers always
 *     use the host folder.
 */
public record LaunchSpec(
    List<String> argv,
    Map<String, String> env,
    Path workspace,
    List<Path> readOnlyPaths,
    SandboxLimits limits,
    boolean writesBack) {

  /** Where the workspace appears inside a namespace sandbox. */
  public static final String SANDBOX_WORKDIR = "/work";

  public LaunchSpec {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    env = Map.copyOf(env);
    Objects.requireNonNull(workspace, "workspace");
    readOnlyPaths = List.copyOf(readOnlyPaths);
    Objects.requireNonNull(limits, "limits");
  }
}
