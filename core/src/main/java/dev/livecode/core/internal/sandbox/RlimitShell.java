package dev.livecode.core.internal.sandbox;

import dev.livecode.core.Limits;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets rlimits with the shell's {@code ulimit} builtin and then execs the program: no extra
 * process per run (util-linux prlimit would be one more exec, and it misparses unit suffixes).
 */
final class RlimitShell {
  private RlimitShell() {}

  /** {@code /bin/sh -c 'ulimit ...; exec "$@"' sh argv...} */
  static List<String> wrap(Limits limits, List<String> argv) {
    long cpuSeconds = Math.max(1, (limits.cpuTime().toMillis() + 999) / 1000);
    long fileBlocks = Math.max(1, limits.maxFileBytes() / 512);
    String script = "ulimit -t " + cpuSeconds + " && ulimit -f " + fileBlocks + " && ulimit -c 0 && exec \"$@\"";
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script, "sh"));
    command.addAll(argv);
    return command;
  }
}
