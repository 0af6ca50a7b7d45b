package dev.livecode.core.internal.sandbox;

import dev.livecode.core.Limits;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start: the command, its full environment (already minimal), the host workspace that
 * becomes the program's working directory and HOME, host paths to expose read-only, and limits.
 *
 * <p>The sandbox sets HOME and TMPDIR to the workspace as the program sees it. Inside a sandbox the workspace is seen at {@link #SANDBOX_WORKDIR}; argv refers to program
 * files relative to the working directory, so it is the same for every tier.
 */
public record LaunchSpec(
    String name,
    List<String> argv,
    Map<String, String> env,
    Path workspace,
    List<Path> readOnlyPaths,
    Limits limits) {

  /** Where the workspace appears inside a namespace sandbox. */
  public static final String SANDBOX_WORKDIR = "/work";

  public LaunchSpec {
    Objects.requireNonNull(name, "name");
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
    Objects.requireNonNull(workspace, "workspace");
    readOnlyPaths = List.copyOf(readOnlyPaths);
    Objects.requireNonNull(limits, "limits");
  }
}
