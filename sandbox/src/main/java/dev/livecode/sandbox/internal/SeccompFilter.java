package dev.livecode.sandbox.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The seccomp filter every program runs under where the host allows it: a deny list after Docker's
 * default profile (io_uring, userfaultfd, bpf, keyrings, perf, ptrace, mounts and namespaces, clone
 * with namespace flags, module and kexec loading, personality changes, socket families beyond unix,
 * inet and netlink-route), answering ENOSYS for clone3 and EPERM elsewhere so runtimes fall back.
 * The BPF program is generated with libseccomp by {@code sandbox/src/main/seccomp/generate.py} and
 * checked in; it is for x86_64 only.
 *
 * <p>bwrap loads it itself ({@code --seccomp FD}); the host tiers load it with a few lines of perl
 * (perl-base is part of every Debian system), which also drop the program to its uid: see {@link
 * #hostLoader}.
 */
final class SeccompFilter {
  static final String RESOURCE = "seccomp-x86_64.bpf";
  static final String PERL = "/usr/bin/perl";

  /**
   * Reads the BPF program from the file in argument 1 (before the drop: the file is the server's),
   * drops to a uid (argument 2, or "-" to keep the current one), sets no_new_privs, loads the
   * filter and execs the rest. x86_64 syscall numbers: setgroups 116, setresgid 119, setresuid 117,
   * prctl 157 (PR_SET_NO_NEW_PRIVS 38, PR_SET_SECCOMP 22 with SECCOMP_MODE_FILTER 2). "S x6 P" is
   * struct sock_fprog: the count of 8-byte instructions, padding, and a pointer to them.
   */
  private static final String LOADER =
      String.join(
          "",
          "my ($f, $u) = splice(@ARGV, 0, 2);",
          "open(my $h, '<:raw', $f) or die \"livecode: filter: $!\\n\";",
          "my $bpf = do { local $/; <$h> }; close($h);",
          "if ($u ne '-') {",
          " syscall(116, 0, 0) == 0 or die \"livecode: setgroups: $!\\n\";",
          " syscall(119, $u + 0, $u + 0, $u + 0) == 0 or die \"livecode: setresgid: $!\\n\";",
          " syscall(117, $u + 0, $u + 0, $u + 0) == 0 or die \"livecode: setresuid: $!\\n\";",
          "}",
          "syscall(157, 38, 1, 0, 0, 0) == 0 or die \"livecode: no_new_privs: $!\\n\";",
          "my $prog = pack('S x6 P', length($bpf) / 8, $bpf);",
          "syscall(157, 22, 2, $prog) == 0 or die \"livecode: seccomp: $!\\n\";",
          "exec { $ARGV[0] } @ARGV or die \"livecode: exec $ARGV[0]: $!\\n\";");

  private final Optional<Path> file;
  private final Optional<String> missing;

  /**
   * Whether the host tiers can load the filter: it is there and so is perl (looked up once, not per
   * run).
   */
  private final boolean hostCanLoad;

  private SeccompFilter(Optional<Path> file, Optional<String> missing) {
    this.file = file;
    this.missing = missing;
    this.hostCanLoad = file.isPresent() && Files.isExecutable(Path.of(PERL));
  }

  /** The filter, written into a folder of its own that only the server can read. */
  static SeccompFilter install() {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!arch.equals("amd64") && !arch.equals("x86_64")) {
      return new SeccompFilter(
          Optional.empty(), Optional.of("no seccomp filter for " + arch + " (x86_64 only)"));
    }
    try (InputStream in = SeccompFilter.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return new SeccompFilter(
            Optional.empty(), Optional.of("the seccomp filter is missing from the class path"));
      }
      Path privateDir =
          Files.createTempDirectory(
              "livecode-seccomp-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path target = privateDir.resolve("seccomp.bpf");
      Files.write(target, in.readAllBytes());
      return new SeccompFilter(Optional.of(target), Optional.empty());
    } catch (IOException e) {
      return new SeccompFilter(
          Optional.empty(),
          Optional.of("the seccomp filter could not be written: " + e.getMessage()));
    }
  }

  /** Deletes the filter's file and folder. */
  void delete() {
    if (file.isPresent()) {
      try {
        Files.deleteIfExists(file.get());
        Files.deleteIfExists(file.get().getParent());
      } catch (IOException e) {
        // A leftover file in a private temporary folder.
      }
    }
  }

  /** The BPF file, when this host can use it. */
  Optional<Path> file() {
    return file;
  }

  /** Why there is no filter, or empty. */
  Optional<String> missing() {
    return missing;
  }

  /**
   * What a host tier (none, unshare) puts before the program: the perl loader when there is a
   * filter and perl; otherwise {@code setpriv} for the uid drop alone. Empty when there is neither
   * a filter nor a uid to drop to.
   */
  List<String> hostLoader(Optional<Integer> uid) {
    if (hostCanLoad) {
      return List.of(
          PERL, "-e", LOADER, file.get().toString(), uid.map(String::valueOf).orElse("-"));
    }
    return uid.map(SeccompFilter::setpriv).orElse(List.of());
  }

  /** Whether {@link #hostLoader} loads the filter (perl is there). */
  boolean hostCanLoad() {
    return hostCanLoad;
  }

  /** util-linux setpriv: the uid and gid, no supplementary groups, no_new_privs, then exec. */
  static List<String> setpriv(int uid) {
    return List.of(
        "/usr/bin/setpriv",
        "--reuid=" + uid,
        "--regid=" + uid,
        "--clear-groups",
        "--no-new-privs",
        "--");
  }
}
