package dev.livecode.sandbox.internal;

import dev.livecode.sandbox.ConfinedProcess;
import dev.livecode.sandbox.Isolation;
import dev.livecode.sandbox.LaunchSpec;
import dev.livecode.sandbox.Sandbox;
import dev.livecode.sandbox.SandboxLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bwrap tier's fork server for one Python command (see {@link Sandbox#forkServer}): the {@link
 * ForkServer} forks a child per start, and the child confines itself with what this class sends it
 * (the run's uid, cgroups, rlimits, tmpfs sizes), answering "ready" once its program waits
 * confined, or why it could not be. The root it is confined to holds what a bwrap start binds
 * ({@link SandboxRoot}).
 *
 * <p>Why: a Python start costs about 6 ms of CPU and bwrap's set-up as much again, per run; a fork
 * of a started interpreter costs a fraction of either, and what makes the run's confinement (the
 * namespaces, the mounts, the uid) is the same kernel work bwrap does.
 */
final class ForkServerSandbox implements Sandbox {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final BwrapSandbox bwrap;
  private final LaunchSpec template;
  private final Optional<Cgroups> cgroups;
  private final SandboxUids uids;
  private final ForkServer server;

  ForkServerSandbox(
      BwrapSandbox bwrap,
      LaunchSpec template,
      Optional<Cgroups> cgroups,
      SandboxUids uids,
      Optional<Path> seccomp,
      Path privateDir)
      throws IOException {
    this.bwrap = bwrap;
    this.template = template;
    this.cgroups = cgroups;
    this.uids = uids;
    Map<String, String> env = new HashMap<>(template.env());
    env.put("HOME", LaunchSpec.SANDBOX_WORKDIR);
    env.put("TMPDIR", LaunchSpec.SANDBOX_WORKDIR);
    this.server =
        new ForkServer(template.argv(), env, setUp(template, seccomp), privateDir, START_TIMEOUT);
  }

  @Override
  public Isolation tier() {
    return bwrap.tier();
  }

  @Override
  public List<String> enforcedLimits() {
    return bwrap.enforcedLimits();
  }

  @Override
  public List<String> protections() {
    return bwrap.protections();
  }

  @Override
  public List<String> gaps() {
    return bwrap.gaps();
  }

  @Override
  public Optional<String> unreachable(List<Path> readOnlyPaths) {
    return bwrap.unreachable(readOnlyPaths);
  }

  @Override
  public ConfinedProcess start(LaunchSpec spec) throws IOException {
    if (!spec.argv().equals(template.argv())
        || !spec.env().equals(template.env())
        || !spec.readOnlyPaths().equals(template.readOnlyPaths())
        || spec.writesBack()
        || !isEmpty(spec.workspace())) {
      return bwrap.start(spec);
    }
    SandboxUids.Lease uid = uids.acquire();
    Optional<RunGroup> group = Optional.empty();
    Optional<ForkServer.Child> child = Optional.empty();
    try {
      group =
          cgroups.isPresent()
              ? Optional.of(cgroups.get().acquire(spec.limits()))
              : Optional.empty();
      child = Optional.of(server.fork());
      SocketChannel control = child.get().control();
      ByteBuffer request =
          ByteBuffer.wrap(
              request(spec.limits(), uid.uid(), group).getBytes(StandardCharsets.UTF_8));
      while (request.hasRemaining()) {
        control.write(request);
      }

      String answer = ForkServer.firstLine(control);
      if (!answer.equals("ready")) {
        throw new IOException(
            "fork server could not confine a program: "
                + (answer.isEmpty() ? "no answer" : answer.replace('\t', ' ')));
      }
      ForkServer.Child started = child.get();
      server.watchExit(started);
      return new ConfinedRun(
          new ForkedProcess(
              started.pid(),
              started.exit(),
              started.control(),
              started.stdin(),
              started.stdout(),
              started.stderr()),
          group,
          spec.limits().cpuTime(),
          false,
          Optional.empty(),
          List.of(),
          Optional.of(uid));
    } catch (IOException | RuntimeException e) {
      child.ifPresent(
          c -> {
            ProcessHandle.of(c.pid()).ifPresent(ProcessHandle::destroyForcibly);
            ForkServer.closeAll(c.control(), c.stdin(), c.stdout(), c.stderr());
          });
      group.ifPresent(RunGroup::release);
      uid.close();
      throw e;
    }
  }

  /** A forked program's workspace is a tmpfs of its own: only an empty one is the same. */
  private static boolean isEmpty(Path workspace) throws IOException {
    try (var entries = Files.list(workspace)) {
      return entries.findAny().isEmpty();
    }
  }

  /** The run's set-up, as the child reads it: what bwrap's launch shell and options would set. */
  private String request(SandboxLimits limits, int uid, Optional<RunGroup> group) {
    boolean memoryCgroup = cgroups.map(Cgroups::limitsMemory).orElse(false);
    long cpuSeconds = Math.max(1, (limits.cpuTime().toMillis() + 999) / 1000);
    StringBuilder run = new StringBuilder();
    line(run, "uid", Integer.toString(uid));
    line(
        run,
        "cgroups",
        String.join(
            ":",
            group
                .map(g -> g.procsFiles().stream().map(Path::toString).toList())
                .orElse(List.of())));
    line(run, "tmp", Long.toString(limits.maxFileBytes()));
    line(run, "work", Long.toString(BwrapSandbox.workspaceBytes(limits.maxFileBytes())));
    line(run, "cpu", Long.toString(cpuSeconds));
    line(run, "fsize", Long.toString(Math.max(512, limits.maxFileBytes() / 512 * 512)));
    if (!memoryCgroup) {
      line(run, "data", Long.toString(Math.max(1024, limits.memoryBytes() / 1024 * 1024)));
    }
    line(run, "nproc", Long.toString(limits.maxProcesses() + RlimitShell.SANDBOX_TASKS));
    return run.append("end\n").toString();
  }

  /** One line of tab-separated fields, as the fork server reads them. */
  private static void line(StringBuilder text, String... fields) {
    for (String field : fields) {
      if (field.indexOf('\t') >= 0 || field.indexOf('\n') >= 0) {
        throw new IllegalArgumentException(
            "a fork server setting holds a tab or newline: " + field);
      }
    }
    text.append(String.join("\t", fields)).append('\n');
  }

  /** What the server builds its read-only root from: what a bwrap start binds. */
  private static String setUp(LaunchSpec template, Optional<Path> seccomp) throws IOException {
    StringBuilder text = new StringBuilder();
    seccomp.ifPresent(file -> line(text, "seccomp", file.toString()));
    for (SandboxRoot.Bind bind : SandboxRoot.binds(template.readOnlyPaths())) {
      line(text, bind.kind().forkServerWord, bind.source(), bind.target());
    }
    SandboxRoot.DEVICES.forEach(name -> line(text, "dev", name));
    SandboxRoot.procDirsEmptied().forEach(name -> line(text, "procdir", name));
    SandboxRoot.procFilesHidden().forEach(name -> line(text, "procfile", name));
    return text.toString();
  }

  /** Stops the fork server; programs it started are the caller's to close. */
  @Override
  public void close() {
    server.close();
  }
}
