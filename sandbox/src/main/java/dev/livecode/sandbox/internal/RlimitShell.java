package dev.livecode.sandbox.internal;

import dev.livecode.sandbox.LaunchSpec;
import dev.livecode.sandbox.SandboxLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The launch shell: joins the run's cgroups, sets rlimits with the shell's {@code ulimit} builtin,
 * opens the files the sandbox is handed by descriptor, then execs the sandbox or program. No extra
 * process per run beyond this shell (~1 ms): util-linux prlimit would be one more exec (and it
 * parses {@code 1G} as one byte).
 *
 * <p>The shell is dash, except when a descriptor above 9 is needed (dash opens only 0-9): bash.
 *
 * <p>CPU time: the soft limit raises SIGXCPU (reported TIMEOUT), the hard limit one second later
 * SIGKILLs a program that catches SIGXCPU. File size: RLIMIT_FSIZE (SIGXFSZ or EFBIG). Memory
 * without a memory cgroup: RLIMIT_DATA, which both python and node survive (RLIMIT_AS would kill
 * node below about 768 MiB because V8 reserves address space); it holds per process. Processes:
 * RLIMIT_NPROC when the program runs under a uid of its own or the server is not root (root ignores
 * it); it counts every task of the uid, hence a few extra for the sandbox's own processes.
 */
final class RlimitShell {
  static final String DASH = "/bin/sh";
  static final String BASH = "/bin/bash";

  /** Tasks of the program's uid that are the sandbox's own (bwrap, its init, a shell). */
  static final int SANDBOX_TASKS = 4;

  /**
   * Room left for the server's own tasks under a shared uid. The rlimit is fixed when the program
   * (or a warm interpreter waiting for one) starts, but the server's uid keeps gaining tasks after
   * that: HTTP threads started under load, other runs, refilled pools. Without this room a warm
   * node interpreter started with the server could not create its own threads a second later.
   */
  static final int SHARED_UID_HEADROOM = 256;

  private RlimitShell() {}

  /** A file the launch shell opens on a descriptor before it execs. */
  record Redirect(int fd, Path path, boolean write) {
    String shell() {
      return fd + (write ? ">" : "<") + quotedArg(path.toString());
    }
  }

  /**
   * The launch command: with the run's cgroups when there are some, otherwise with the rlimit
   * fallbacks (RLIMIT_DATA for memory; RLIMIT_NPROC for processes where it holds).
   *
   * @param ownUid whether the program runs under a uid of its own (RLIMIT_NPROC then holds)
   */
  static List<String> wrap(
      LaunchSpec spec,
      Optional<Cgroups> cgroups,
      Optional<RunGroup> group,
      boolean ownUid,
      List<Redirect> redirects,
      List<String> argv) {
    boolean memoryCgroup = cgroups.map(Cgroups::limitsMemory).orElse(false);
    return wrap(
        spec.limits(),
        group.map(RunGroup::procsFiles).orElse(List.of()),
        !memoryCgroup,
        nproc(spec.limits(), cgroups, ownUid),
        redirects,
        argv);
  }

  static List<String> wrap(
      SandboxLimits limits,
      List<Path> cgroupProcs,
      boolean limitDataSegment,
      long nproc,
      List<Redirect> redirects,
      List<String> argv) {
    String shell = shellFor(redirects);
    StringBuilder script =
        new StringBuilder(confine(limits, cgroupProcs, limitDataSegment, nproc, shell));
    if (!redirects.isEmpty()) {
      script.append(" && exec");
      redirects.forEach(r -> script.append(' ').append(r.shell()));
    }
    script.append(" && exec \"$@\"");
    List<String> command = new ArrayList<>(List.of(shell, "-c", script.toString(), "sh"));
    command.addAll(argv);
    return command;
  }

  /** dash when every descriptor fits its single digit, else bash. */
  static String shellFor(List<Redirect> redirects) {
    return redirects.stream().anyMatch(r -> r.fd() > 9) ? BASH : DASH;
  }

  /**
   * A launch shell started ahead of its run (see {@link ReadyLaunchers}): it joins the cgroups and
   * sets the rlimits at once, then waits for one line on stdin, the path of a script (see {@link
   * #execScript}) that it sources; the rest of stdin is the program's. EOF instead ends it. Always
   * dash: a run whose redirections need bash starts its own shell.
   */
  static List<String> launcher(
      SandboxLimits limits, Cgroups cgroups, RunGroup group, boolean ownUid) {
    String confine =
        confine(
            limits,
            group.procsFiles(),
            !cgroups.limitsMemory(),
            nproc(limits, Optional.of(cgroups), ownUid),
            DASH);
    return List.of(DASH, "-c", confine + " && read -r script && . \"$script\"", "sh");
  }

  /** What a launch shell sources: the redirections, then exec of {@code argv}. */
  static String execScript(List<Redirect> redirects, List<String> argv) {
    StringBuilder script = new StringBuilder("exec");
    redirects.forEach(r -> script.append(' ').append(r.shell()));
    script.append(" && exec");
    for (String arg : argv) {
      script.append(' ').append(quotedArg(arg));
    }
    return script.append('\n').toString();
  }

  private static long nproc(SandboxLimits limits, Optional<Cgroups> cgroups, boolean ownUid) {
    boolean pidsCgroup = cgroups.map(Cgroups::limitsProcesses).orElse(false);
    if (ownUid) {
      return limits.maxProcesses() + SANDBOX_TASKS;
    }
    return pidsCgroup || Sandboxes.isRoot()
        ? -1
        : UserTasks.current() + SHARED_UID_HEADROOM + limits.maxProcesses();
  }

  /** Joins the cgroups and sets the rlimits, as one {@code &&} chain of shell builtins. */
  private static String confine(
      SandboxLimits limits,
      List<Path> cgroupProcs,
      boolean limitDataSegment,
      long nproc,
      String shell) {
    StringBuilder script = new StringBuilder();
    for (Path procs : cgroupProcs) {
      script.append("echo $$ > ").append(quotedArg(procs.toString())).append(" && ");
    }
    long cpuSeconds = Math.max(1, (limits.cpuTime().toMillis() + 999) / 1000);
    long fileBlocks = Math.max(1, limits.maxFileBytes() / 512);
    script
        .append("ulimit -S -t ")
        .append(cpuSeconds)
        .append(" && ulimit -H -t ")
        .append(cpuSeconds + 1)
        .append(" && ulimit -f ")
        .append(fileBlocks)
        .append(" && ulimit -c 0");
    if (limitDataSegment) {
      script.append(" && ulimit -d ").append(Math.max(1, limits.memoryBytes() / 1024));
    }
    if (nproc > 0) {
      // RLIMIT_NPROC is -p in dash and -u in bash (where -p is the pipe size).
      script.append(" && ulimit ").append(shell.equals(BASH) ? "-u " : "-p ").append(nproc);
    }
    return script.toString();
  }

  /**
   * Any argument, single-quoted for sh (a quote inside ends the quoting, is escaped, and reopens
   * it).
   */
  static String quotedArg(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }
}
