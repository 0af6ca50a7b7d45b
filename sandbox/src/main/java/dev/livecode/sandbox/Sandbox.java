package dev.livecode.sandbox;

import dev.livecode.sandbox.internal.Sandboxes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Starts one program confined to its workspace under its limits. Implementations decide how
 * (bubblewrap, unshare, a plain subprocess) and which limits they can really hold on this host;
 * {@link #create} picks the tier.
 */
public interface Sandbox extends AutoCloseable {

  /**
   * First host uid programs run as when the server is root: isolate's, above the uids Debian gives
   * to people.
   */
  int DEFAULT_FIRST_UID = 60000;

  /** Host uids programs may run as at once, from {@link #DEFAULT_FIRST_UID}. */
  int DEFAULT_UID_COUNT = 1000;

  /** The sandbox for {@code requested}, with the default uid range when the server is root. */
  static Sandbox create(Isolation requested) {
    return create(requested, DEFAULT_FIRST_UID, DEFAULT_UID_COUNT);
  }

  /**
   * The sandbox for {@code requested}: the tier asked for, or for {@link Isolation#AUTO} the
   * strongest that runs a trivial program correctly here (bwrap, then unshare; never none). As
   * root, programs run under uids {@code firstUid} to {@code firstUid + uidCount - 1}, one per
   * program at a time. The choice, and what it lacks, is logged.
   *
   * @throws IllegalStateException when the requested tier (or, for AUTO, any isolating tier) does
   *     not work here; the message says why and what to install
   * @throws IllegalArgumentException when the uid range is unusable: below 1000, or holding the uid
   *     or gid of an account of this host
   */
  static Sandbox create(Isolation requested, int firstUid, int uidCount) {
    return Sandboxes.create(requested, firstUid, uidCount);
  }

  /** The tier this sandbox gives (never {@link Isolation#AUTO}). */
  Isolation tier();

  /**
   * Names of the limits really held here: wall_time, cpu_time, memory (or memory_per_process
   * without a memory cgroup), processes, file_size, and on bwrap workspace_size.
   */
  List<String> enforcedLimits();

  /**
   * What confines programs here besides the limits: {@code namespaces}, {@code seccomp}, {@code
   * no_new_privs}, {@code own_uid} (each program under a host uid of its own, never root), {@code
   * no_user_namespaces}.
   */
  default List<String> protections() {
    return List.of();
  }

  /**
   * What this tier would give but this host does not, each in words (e.g. why there is no seccomp
   * filter).
   */
  default List<String> gaps() {
    return List.of();
  }

  /**
   * Starts the program. The process's stdin, stdout and stderr are pipes. The caller owns the
   * returned handle and must close it.
   *
   * @throws IOException when the sandbox could not start the program (not the program's fault)
   */
  ConfinedProcess start(LaunchSpec spec) throws IOException;

  /**
   * Why this tier cannot show the program these host paths (a runner's read-only paths), or empty
   * when it can. Checked once at start, so that a language this tier cannot run is reported
   * unavailable instead of failing every run.
   */
  default Optional<String> unreachable(List<Path> readOnlyPaths) {
    return Optional.empty();
  }

  /**
   * Lets the sandbox prepare, ahead of time, up to {@code launches} starts of programs with {@code
   * limits} (the caller's defaults), where it can make them faster that way. Called once, before
   * the first {@link #start}.
   */
  default void prepare(SandboxLimits limits, int launches) {}

  /**
   * A sandbox that starts programs like {@code template} (a Python interpreter's {@code python
   * [flags] -c PROGRAM [args]}, with its environment and read-only paths) by forking them from one
   * pre-initialised interpreter, a fork server, instead of starting an interpreter per program; or
   * empty where this tier cannot (only bwrap, with the server running as root, can).
   *
   * <p>The fork server never runs a user's program and reads nothing of any run. Each forked child
   * enters a fresh confinement of its own before it runs {@code PROGRAM}: new PID, mount, network,
   * IPC, UTS and cgroup namespaces, the run's cgroup, a read-only root showing what a bwrap start
   * shows, the run's own /tmp, workspace, /dev/shm, /dev/pts and masked /proc, a host uid of its
   * own seen as 65534 in a user namespace of its own, no capabilities, the run's rlimits, no other
   * descriptor than its stdio, no_new_privs and the seccomp filter. {@code PROGRAM} then runs as
   * the interpreter's {@code -c} program, with the server's own modules and globals gone.
   *
   * <p>Its {@link #start} forks for specs that differ from {@code template} only in their limits
   * and their workspace, which must be empty (a forked program's workspace is an empty tmpfs of its
   * own), and passes any other spec to this sandbox. Closing it stops the fork server; programs it
   * started are the caller's to close.
   */
  default Optional<Sandbox> forkServer(LaunchSpec template) {
    return Optional.empty();
  }

  /**
   * Ends what the sandbox prepared and removes its files and cgroups; running programs are the
   * caller's to close.
   */
  @Override
  default void close() {}
}
