package dev.livecode.core.internal.sandbox;

import dev.livecode.core.Limits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The launch shell: joins the run's cgroups, sets rlimits with the shell's {@code ulimit}
 * builtin, then execs the sandbox or program. No extra process per run beyond this shell (~1 ms):
 * util-linux prlimit would be one more exec (and it parses {@code 1G} as one byte).
 *
 * <p>CPU time: the soft limit raises SIGXCPU (reported TIMEOUT), the hard limit one second later
 * SIGKILLs a program that catches SIGXCPU. File size: RLIMIT_FSIZE (SIGXFSZ or EFBIG).
 * Memory without a memory cgroup: RLIMIT_DATA, which both python and node survive (RLIMIT_AS
 * would kill node below about 768 MiB because V8 reserves address space); it holds per process.
 */
final class RlimitShell {
  private RlimitShell() {}

  /** {@code /bin/sh -c 'echo $$ > cgroup.procs ...; ulimit ...; exec "$@"' sh argv...} */
  static List<String> wrap(Limits limits, List<Path> cgroupProcs, boolean limitDataSegment, List<String> argv) {
    return wrap(limits, cgroupProcs, limitDataSegment, null, argv);
  }

  /**
   * The launch command for a tier: with the run's cgroups when there are some, otherwise with
   * the rlimit fallbacks (RLIMIT_DATA for memory; RLIMIT_NPROC for processes when not root).
   */
  static List<String> wrap(LaunchSpec spec, Optional<Cgroups> cgroups, Optional<RunGroup> group, Path fd3File,
      List<String> argv) {
    boolean memoryCgroup = cgroups.map(Cgroups::limitsMemory).orElse(false);
    return wrap(spec.limits(), group.map(RunGroup::procsFiles).orElse(List.of()), !memoryCgroup, nproc(spec.limits(), cgroups), fd3File, argv);
  }

  /** As above, with fd 3 opened for writing on {@code fd3File} (bwrap's --json-status-fd) when not null. */
  static List<String> wrap(Limits limits, List<Path> cgroupProcs, boolean limitDataSegment, Path fd3File, List<String> argv) {
    return wrap(limits, cgroupProcs, limitDataSegment, -1, fd3File, argv);
  }

  static List<String> wrap(Limits limits, List<Path> cgroupProcs, boolean limitDataSegment, long nproc, Path fd3File,
      List<String> argv) {
    StringBuilder script = new StringBuilder();
    if (fd3File != null) {
      script.append("exec 3>").append(quoted(fd3File)).append(" && ");
    }
    script.append(confine(limits, cgroupProcs, limitDataSegment, nproc)).append(" && exec \"$@\"");
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script.toString(), "sh"));
    command.addAll(argv);
    return command;
  }

  /**
   * A launch shell started ahead of its run (see {@link ReadyLaunchers}): it joins the cgroups and
   * sets the rlimits at once, then waits for one line on stdin, the path of a script (see
   * {@link #execScript}) that it sources; the rest of stdin is the program's. EOF instead ends it.
   */
  static List<String> launcher(Limits limits, Cgroups cgroups, RunGroup group) {
    String confine = confine(limits, group.procsFiles(), !cgroups.limitsMemory(), nproc(limits, Optional.of(cgroups)));
    return List.of("/bin/sh", "-c", confine + " && read -r script && . \"$script\"", "sh");
  }

  /** What a launch shell sources: fd 3 opened on {@code fd3File}, then exec of {@code argv}. */
  static String execScript(Path fd3File, List<String> argv) {
    StringBuilder script = new StringBuilder("exec 3>").append(quoted(fd3File)).append(" && exec");
    for (String arg : argv) {
      script.append(' ').append(quotedArg(arg));
    }
    return script.append('\n').toString();
  }

  private static long nproc(Limits limits, Optional<Cgroups> cgroups) {
    boolean pidsCgroup = cgroups.map(Cgroups::limitsProcesses).orElse(false);
    return pidsCgroup || Sandboxes.isRoot() ? -1 : UserTasks.current() + limits.maxProcesses();
  }

  /** Joins the cgroups and sets the rlimits, as one {@code &&} chain of shell builtins. */
  private static String confine(Limits limits, List<Path> cgroupProcs, boolean limitDataSegment, long nproc) {
    StringBuilder script = new StringBuilder();
    for (Path procs : cgroupProcs) {
      script.append("echo $$ > ").append(quoted(procs)).append(" && ");
    }
    long cpuSeconds = Math.max(1, (limits.cpuTime().toMillis() + 999) / 1000);
    long fileBlocks = Math.max(1, limits.maxFileBytes() / 512);
    script.append("ulimit -S -t ").append(cpuSeconds)
        .append(" && ulimit -H -t ").append(cpuSeconds + 1)
        .append(" && ulimit -f ").append(fileBlocks)
        .append(" && ulimit -c 0");
    if (limitDataSegment) {
      script.append(" && ulimit -d ").append(Math.max(1, limits.memoryBytes() / 1024));
    }
    if (nproc > 0) {
      script.append(" && ulimit -p ").append(nproc); // dash: -p is RLIMIT_NPROC
    }
    return script.toString();
  }

  /** Any argument, single-quoted for sh (a quote inside ends the quoting, is escaped, and reopens it). */
  private static String quotedArg(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  private static String quoted(Path path) {
    String text = path.toString();
    if (text.contains("'")) {
      throw new IllegalArgumentException("unexpected quote in path " + text);
    }
    return "'" + text + "'";
  }
}
