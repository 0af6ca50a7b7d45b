package dev.livecode.sandbox.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the namespace sandboxes (bwrap, and the fork server on it) show a program besides /usr: the
 * same lists for both, so a forked start sees what a bwrap start sees.
 */
final class SandboxRoot {
  private SandboxRoot() {}

  private static final List<String> ETC =
      List.of(
          "/etc/ld.so.cache",
          "/etc/ld.so.conf",
          "/etc/ld.so.conf.d",
          "/etc/localtime",
          "/etc/passwd",
          "/etc/group",
          "/etc/nsswitch.conf",
          "/etc/alternatives",
          "/etc/ssl/certs",
          "/etc/mime.types");
  private static final List<String> MERGED_USR =
      List.of("/bin", "/lib", "/lib64", "/sbin", "/lib32", "/libx32");

  /**
   * Host-wide parts of /proc, after Docker's masked and read-only paths: replaced by an empty
   * read-only folder.
   */
  private static final List<String> PROC_DIRS_EMPTIED =
      List.of("sys", "fs", "bus", "irq", "acpi", "asound", "scsi");

  /** Host-wide files of /proc: /dev/null bound over them. */
  private static final List<String> PROC_FILES_HIDDEN =
      List.of(
          "sysrq-trigger",
          "kcore",
          "keys",
          "key-users",
          "timer_list",
          "timer_stats",
          "sched_debug",
          "latency_stats",
          "kallsyms",
          "kmsg",
          "kpagecount",
          "kpageflags",
          "kpagecgroup",
          "vmallocinfo",
          "iomem",
          "ioports",
          "slabinfo");

  /** Host devices a program gets in its /dev. */
  static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom", "tty");

  /** The folders of {@link #PROC_DIRS_EMPTIED} this kernel has. */
  static List<String> procDirsEmptied() {
    return PROC_DIRS_EMPTIED.stream()
        .filter(dir -> Files.isDirectory(Path.of("/proc", dir)))
        .toList();
  }

  /** The files of {@link #PROC_FILES_HIDDEN} this kernel has (nothing can be bound over others). */
  static List<String> procFilesHidden() {
    return PROC_FILES_HIDDEN.stream().filter(file -> Files.exists(Path.of("/proc", file))).toList();
  }

  /** How a host path is shown: bwrap's option for it, and the fork server's word for it. */
  enum Kind {
    RO_BIND("--ro-bind", "robind"),
    RO_BIND_TRY("--ro-bind-try", "robind-try"),
    SYMLINK("--symlink", "symlink");

    final String bwrapOption;
    final String forkServerWord;

    Kind(String bwrapOption, String forkServerWord) {
      this.bwrapOption = bwrapOption;
      this.forkServerWord = forkServerWord;
    }
  }

  /** One path of the root: {@code target} shows {@code source} (a bind's host path, a link's). */
  record Bind(Kind kind, String source, String target) {}

  /**
   * The root's paths besides /proc, /dev and the tmpfs: /usr, the merged-usr links (or folders),
   * the /etc files where they exist, and the runner's read-only paths outside /usr.
   *
   * @throws IOException when a read-only path of the runner does not exist
   */
  static List<Bind> binds(List<Path> readOnlyPaths) throws IOException {
    List<Bind> binds = new ArrayList<>(List.of(new Bind(Kind.RO_BIND, "/usr", "/usr")));
    for (String dir : MERGED_USR) {
      Path path = Path.of(dir);
      if (Files.isSymbolicLink(path)) {
        binds.add(new Bind(Kind.SYMLINK, Files.readSymbolicLink(path).toString(), dir));
      } else if (Files.isDirectory(path)) {
        binds.add(new Bind(Kind.RO_BIND, dir, dir));
      }
    }
    for (String etc : ETC) {
      binds.add(new Bind(Kind.RO_BIND_TRY, etc, etc));
    }
    for (Path path : readOnlyPaths) {
      String p = path.toAbsolutePath().normalize().toString();
      if (!Files.exists(path)) {
        throw new IOException("read-only path of the runner does not exist: " + p);
      }
      if (!p.equals("/usr") && !p.startsWith("/usr/")) {
        binds.add(new Bind(Kind.RO_BIND, p, p));
      }
    }
    return binds;
  }
}
