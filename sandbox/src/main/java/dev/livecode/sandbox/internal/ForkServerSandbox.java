package dev.livecode.sandbox.internal;

import dev.livecode.sandbox.ConfinedProcess;
import dev.livecode.sandbox.Isolation;
import dev.livecode.sandbox.LaunchSpec;
import dev.livecode.sandbox.Sandbox;
import dev.livecode.sandbox.SandboxLimits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fork server of one Python command on the bwrap tier (see {@link Sandbox#forkServer}): a
 * Python interpreter started once ({@code forkserver.py} as its {@code -c} program) that builds the
 * read-only root in a mount namespace of its own and forks a child per start, pid 1 of a PID
 * namespace of its own. The child connects back to this JVM over a Unix socket in the sandbox's
 * private folder: a control connection that receives the run's set-up (uid, cgroups, rlimits, tmpfs
 * sizes) and answers whether the program is confined and waiting, and one connection for each of
 * stdin, stdout and stderr. The server itself only ever reads a token, so nothing of one run is in
 * the memory the next run is forked from; on its stdout it reports each child's pid and end.
 *
 * <p>Why: a Python start costs about 6 ms of CPU and bwrap's set-up as much again, per run; a fork
 * of a started interpreter costs a fraction of either, and what makes the run's confinement (the
 * namespaces, the mounts, the uid) is the same kernel work bwrap does.
 */
final class ForkServerSandbox implements Sandbox {
  private static final Logger LOG = LoggerFactory.getLogger(ForkServerSandbox.class);
  private static final String SCRIPT = script();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final List<String> ROLES = List.of("control", "stdin", "stdout", "stderr");
  private static final AtomicLong SERVERS = new AtomicLong();
  private static final SecureRandom TOKENS = new SecureRandom();
  private static final int SIGKILL = 9;

  private final BwrapSandbox bwrap;
  private final LaunchSpec template;
  private final Optional<Cgroups> cgroups;
  private final SandboxUids uids;
  private final Optional<Path> seccomp;
  private final Path socketPath;
  private final Path root;
  private final ServerSocketChannel listener;
  private final Map<String, Connections> pending = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();
  private final Object zygoteLock = new Object();
  private Process zygote;
  private volatile boolean closed;

  /** The connections of one child, by role, as they arrive, and its pid, as the server tells it. */
  private static final class Connections {
    final SocketChannel[] channels = new SocketChannel[ROLES.size()];
    final CompletableFuture<SocketChannel[]> all = new CompletableFuture<>();
    final CompletableFuture<Long> pid = new CompletableFuture<>();

    synchronized void add(int role, SocketChannel channel) {
      channels[role] = channel;
      for (SocketChannel c : channels) {
        if (c == null) {
          return;
        }
      }
      all.complete(channels.clone());
    }
  }

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
    this.seccomp = seccomp;
    long n = SERVERS.incrementAndGet();
    this.socketPath = privateDir.resolve("fork-" + n + ".sock");
    this.root = Files.createDirectory(privateDir.resolve("fork-root-" + n));
    this.listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(socketPath));
    Thread acceptor = new Thread(this::accept, "livecode-fork-accept-" + n);
    acceptor.setDaemon(true);
    acceptor.start();
    synchronized (zygoteLock) {
      zygote = startZygote();
    }
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
    if (closed) {
      throw new IOException("the fork server is closed");
    }
    SandboxUids.Lease uid = uids.acquire();
    Optional<RunGroup> group = Optional.empty();
    String token = HexFormat.of().formatHex(token());
    Connections connections = new Connections();
    pending.put(token, connections);
    SocketChannel[] channels = null;
    try {
      group =
          cgroups.isPresent()
              ? Optional.of(cgroups.get().acquire(spec.limits()))
              : Optional.empty();
      fork(token);
      channels = connections.all.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      SocketChannel control = channels[0];
      write(control, request(spec.limits(), uid.uid(), group));
      String answer = firstLine(control);
      if (!answer.equals("ready")) {
        throw new IOException(
            "fork server could not confine a program: "
                + (answer.isEmpty() ? "no answer" : answer.replace('\t', ' ')));
      }
      control.close();
      long pid = connections.pid.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      CompletableFuture<Integer> exit = exits.get(pid);
      if (exit == null) {
        throw new IOException("fork server child " + pid + " ended before its program started");
      }
      ForkedProcess process = new ForkedProcess(pid, exit, channels[1], channels[2], channels[3]);
      return new ConfinedRun(
          process,
          group,
          spec.limits().cpuTime(),
          false,
          Optional.empty(),
          List.of(),
          Optional.of(uid));
    } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
      closeAll(channels);
      group.ifPresent(RunGroup::release);
      uid.close();
      throw e instanceof IOException io ? io : new IOException("fork server start failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeAll(channels);
      group.ifPresent(RunGroup::release);
      uid.close();
      throw new IOException("interrupted while the fork server started a program", e);
    } finally {
      pending.remove(token);
    }
  }

  /** A forked program's workspace is a tmpfs of its own: only an empty one is the same. */
  private static boolean isEmpty(Path workspace) throws IOException {
    try (var entries = Files.list(workspace)) {
      return entries.findAny().isEmpty();
    }
  }

  private static byte[] token() {
    byte[] bytes = new byte[16];
    TOKENS.nextBytes(bytes);
    return bytes;
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

  private static void line(StringBuilder text, String key, String value) {
    if (value.indexOf('\n') >= 0 || (!key.equals("robind") && value.indexOf('\t') >= 0)) {
      throw new IllegalArgumentException("a fork server setting holds a tab or newline: " + key);
    }
    text.append(key).append('\t').append(value).append('\n');
  }

  /** Asks the server for a child, starting a new server first if the last one died. */
  private void fork(String token) throws IOException {
    synchronized (zygoteLock) {
      if (!zygote.isAlive()) {
        LOG.warn("fork server ended, starting a new one exit={}", zygote.exitValue());
        zygote = startZygote();
      }
      OutputStream commands = zygote.getOutputStream();
      commands.write((token + "\n").getBytes(StandardCharsets.US_ASCII));
      commands.flush();
    }
  }

  private Process startZygote() throws IOException {
    List<String> argv = template.argv();
    int c = argv.indexOf("-c");
    if (c < 1 || c + 1 >= argv.size()) {
      throw new IOException("not a python -c command: " + argv.get(0));
    }
    List<String> command = new ArrayList<>(argv.subList(0, c));
    command.addAll(List.of("-c", SCRIPT));
    command.addAll(argv.subList(c + 1, argv.size()));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(Path.of("/").toFile()).redirectErrorStream(false);
    builder.environment().clear();
    builder.environment().putAll(template.env());
    builder.environment().put("HOME", LaunchSpec.SANDBOX_WORKDIR);
    builder.environment().put("TMPDIR", LaunchSpec.SANDBOX_WORKDIR);
    Process started = builder.start();
    try {
      OutputStream commands = started.getOutputStream();
      commands.write(setUp().getBytes(StandardCharsets.UTF_8));
      commands.flush();
      BufferedReader answer =
          new BufferedReader(
              new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8));
      String ready = answer.readLine();
      if (!"ready".equals(ready)) {
        String error = new String(started.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        throw new IOException("fork server did not start: " + error.strip());
      }
      logErrors(started.getErrorStream());
      readReports(answer);
      LOG.info("fork server started pid={} interpreter={}", started.pid(), argv.get(0));
      return started;
    } catch (IOException | RuntimeException e) {
      started.destroyForcibly();
      throw e;
    }
  }

  /** What the server builds its read-only root from: what a bwrap start binds. */
  private String setUp() throws IOException {
    StringBuilder text = new StringBuilder();
    line(text, "root", root.toString());
    line(text, "socket", socketPath.toString());
    seccomp.ifPresent(file -> line(text, "seccomp", file.toString()));
    text.append("robind\t/usr\t/usr\n");
    for (String dir : SandboxRoot.MERGED_USR) {
      Path path = Path.of(dir);
      if (Files.isSymbolicLink(path)) {
        text.append("symlink\t")
            .append(Files.readSymbolicLink(path))
            .append('\t')
            .append(dir)
            .append('\n');
      } else if (Files.isDirectory(path)) {
        text.append("robind\t").append(dir).append('\t').append(dir).append('\n');
      }
    }
    for (String etc : SandboxRoot.ETC) {
      text.append("robind-try\t").append(etc).append('\t').append(etc).append('\n');
    }
    for (Path path : template.readOnlyPaths()) {
      String p = path.toAbsolutePath().normalize().toString();
      if (!p.equals("/usr") && !p.startsWith("/usr/")) {
        line(text, "robind", p + "\t" + p);
      }
    }
    SandboxRoot.DEVICES.forEach(name -> line(text, "dev", name));
    SandboxRoot.procDirsEmptied().forEach(name -> line(text, "procdir", name));
    SandboxRoot.procFilesHidden().forEach(name -> line(text, "procfile", name));
    return text.append("end\n").toString();
  }

  /**
   * The server's reports, in order: "pid TOKEN PID" once it forked a start's child, "exit PID N" or
   * "signal PID N" once it reaped one. When the server ends, its children die with it.
   */
  private void readReports(BufferedReader reports) {
    Thread thread =
        new Thread(
            () -> {
              try {
                String line;
                while ((line = reports.readLine()) != null) {
                  report(line.split("\t"));
                }
              } catch (IOException | RuntimeException e) {
                LOG.warn("fork server reports unreadable error={}", e.toString());
              }
              exits.values().forEach(exit -> exit.complete(128 + SIGKILL));
            },
            "livecode-fork-reports");
    thread.setDaemon(true);
    thread.start();
  }

  private void report(String[] fields) {
    if (fields[0].equals("pid")) {
      long pid = Long.parseLong(fields[2]);
      exits.put(pid, new CompletableFuture<>());
      Connections connections = pending.get(fields[1]);
      if (connections != null) {
        connections.pid.complete(pid);
      }
    } else {
      CompletableFuture<Integer> exit = exits.remove(Long.parseLong(fields[1]));
      int n = Integer.parseInt(fields[2]);
      if (exit != null) {
        exit.complete(fields[0].equals("exit") ? n : 128 + n);
      }
    }
  }

  /** The server's own errors (a child that could not start) go to the log. */
  private static void logErrors(InputStream errors) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(new InputStreamReader(errors, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  LOG.warn("fork server error=\"{}\"", line);
                }
              } catch (IOException e) {
                // The server ended.
              }
            },
            "livecode-fork-errors");
    thread.setDaemon(true);
    thread.start();
  }

  /** Hands each connection to the start waiting for its token; others are closed. */
  private void accept() {
    while (!closed) {
      SocketChannel channel;
      try {
        channel = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("fork server socket failed error={}", e.toString());
        }
        return;
      }
      try {
        String[] hello = firstLine(channel).split(" ");
        Connections connections = hello.length == 2 ? pending.get(hello[0]) : null;
        int role = hello.length == 2 ? ROLES.indexOf(hello[1]) : -1;
        if (connections == null || role < 0) {
          channel.close();
        } else {
          connections.add(role, channel);
        }
      } catch (IOException e) {
        closeAll(new SocketChannel[] {channel});
      }
    }
  }

  /**
   * The first line a connection sends, byte by byte (what follows is the program's); empty when it
   * closes first.
   */
  private static String firstLine(SocketChannel channel) throws IOException {
    StringBuilder line = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (line.length() < 4096) {
      one.clear();
      if (channel.read(one) < 0) {
        return "";
      }
      char c = (char) one.get(0);
      if (c == '\n') {
        return line.toString();
      }
      line.append(c);
    }
    throw new IOException("line too long");
  }

  private static void write(SocketChannel channel, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  private static void closeAll(SocketChannel[] channels) {
    if (channels == null) {
      return;
    }
    for (SocketChannel channel : channels) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // Already gone.
        }
      }
    }
  }

  /** Stops the server (its waiting children die with it); running programs are the caller's. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // The socket file is removed below either way.
    }
    synchronized (zygoteLock) {
      try {
        zygote.getOutputStream().close();
        if (!zygote.waitFor(2, TimeUnit.SECONDS)) {
          zygote.destroyForcibly();
        }
      } catch (IOException e) {
        zygote.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        zygote.destroyForcibly();
      }
    }
    try {
      Files.deleteIfExists(socketPath);
      Files.deleteIfExists(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the fork server's files", e);
    }
  }

  private static String script() {
    try (InputStream in = ForkServerSandbox.class.getResourceAsStream("forkserver.py")) {
      if (in == null) {
        throw new IllegalStateException("forkserver.py is missing from the sandbox jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
