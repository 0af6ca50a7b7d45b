package dev.livecode.sandbox.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the namespace sandboxes (bwrap, and the fork server on it) show a program besides /usr: the
 * same lists for both, so a forked start sees what a bwrap start sees.
 */
final class SandboxRoot {
  private SandboxRoot() {}

  static final List<String> ETC =
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
  static final List<String> MERGED_USR =
      List.of("/bin", "/lib", "/lib64", "/sbin", "/lib32", "/libx32");

  /**
   * Host-wide parts of /proc, after Docker's masked and read-only paths: replaced by an empty
   * read-only folder.
   */
  static final List<String> PROC_DIRS_EMPTIED =
      List.of("sys", "fs", "bus", "irq", "acpi", "asound", "scsi");

  /** Host-wide files of /proc: /dev/null bound over them. */
  static final List<String> PROC_FILES_HIDDEN =
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
}
