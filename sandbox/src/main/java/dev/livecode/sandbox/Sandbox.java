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
   * Ends what the sandbox prepared and removes its files and cgroups; running programs are the
   * caller's to close.
   */
  @Override
  default void close() {}
}
