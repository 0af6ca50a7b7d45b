package dev.livecode.sandbox.internal;

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
 * The fork server's process and its socket: a Python interpreter started once with {@code
 * forkserver.py} as its {@code -c} program, restarted if it dies, and the Unix socket in the
 * sandbox's private folder its children connect to. It builds the read-only root in a mount
 * namespace of its own, then forks one child per {@link #fork}, pid 1 of a PID namespace of its
 * own, and reports on its stdout each child's pid and, once it reaped it, its end. The child
 * connects four times, each connection opened by a line of fixed length with the fork's random
 * token and its role: control, stdin, stdout, stderr. The server process reads only that token, so
 * nothing of one run is in the memory the next run is forked from.
 */
final class ForkServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ForkServer.class);
  private static final String SCRIPT = script();
  private static final List<String> ROLES = List.of("control", "stdin", "stdout", "stderr");
  private static final int TOKEN_BYTES = 16;

  /**
   * Each connection's opening line: the fork's token in hex, a space, its role padded to 7
   * characters, a line feed ({@code forkserver.py} writes it so).
   */
  private static final int HELLO_BYTES = TOKEN_BYTES * 2 + 1 + 7 + 1;

  private static final AtomicLong SERVERS = new AtomicLong();
  private static final SecureRandom TOKENS = new SecureRandom();
  private static final int SIGKILL = 9;

  private final List<String> command;
  private final Map<String, String> env;
  private final String setUp;
  private final Path socketPath;
  private final Path root;
  private final Duration timeout;
  private final ServerSocketChannel listener;
  private final Map<String, Connections> pending = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();
  private final ExitLines exitLines;
  private final Object zygoteLock = new Object();
  private Process zygote;
  private volatile boolean closed;

  /**
   * One forked child: its pid on the host, its control connection, the program's stdio, and its end
   * as the server reports it (the exit value the JVM would give: 128 + N for signal N).
   */
  record Child(
      long pid,
      SocketChannel control,
      SocketChannel stdin,
      SocketChannel stdout,
      SocketChannel stderr,
      CompletableFuture<Integer> exit) {}

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

  /**
   * Starts the server.
   *
   * @param argv {@code python [flags] -c PROGRAM [args]}: the server runs as {@code python [flags]
   *     -c forkserver.py PROGRAM [args]}, and each child, once confined, runs {@code PROGRAM}
   * @param setUp the lines of the server's set-up besides its root and socket (binds, devices,
   *     masks, seccomp), up to and without {@code end}
   * @param timeout how long a fork may take to connect back
   */
  ForkServer(
      List<String> argv, Map<String, String> env, String setUp, Path privateDir, Duration timeout)
      throws IOException {
    int c = argv.indexOf("-c");
    if (c < 1 || c + 1 >= argv.size()) {
      throw new IllegalArgumentException("not a python -c command: " + argv.get(0));
    }
    List<String> server = new ArrayList<>(argv.subList(0, c));
    server.addAll(List.of("-c", SCRIPT));
    server.addAll(argv.subList(c + 1, argv.size()));
    this.command = List.copyOf(server);
    this.env = Map.copyOf(env);
    long n = SERVERS.incrementAndGet();
    this.socketPath = privateDir.resolve("fork-" + n + ".sock");
    this.timeout = timeout;
    this.listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    // why: a server that cannot start must leave no thread, socket or folder behind, whichever
    // step failed: the sandbox may try again, and each attempt would leave one more.
    try {
      this.exitLines = new ExitLines("livecode-fork-exits-" + n);
      this.root = Files.createDirectory(privateDir.resolve("fork-root-" + n));
      this.setUp = "root\t" + root + "\nsocket\t" + socketPath + "\n" + setUp + "end\n";
      listener.bind(UnixDomainSocketAddress.of(socketPath));
      Thread acceptor = new Thread(this::accept, "livecode-fork-accept-" + n);
      acceptor.setDaemon(true);
      acceptor.start();
      synchronized (zygoteLock) {
        zygote = startZygote();
      }
    } catch (IOException | RuntimeException e) {
      try {
        discardUnstarted();
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** What a constructor that failed had made so far; its fields past the failed step are null. */
  private void discardUnstarted() throws IOException {
    closed = true;
    listener.close();
    if (exitLines != null) {
      exitLines.close();
    }
    Files.deleteIfExists(socketPath);
    if (root != null) {
      Files.deleteIfExists(root);
    }
  }

  /**
   * From now on a child's exit value is also what its init says on the control connection as soon
   * as the program ended, which is earlier than the server's report; call it past the child's
   * "ready" line, which it reads itself.
   */
  void watchExit(Child child) throws IOException {
    exitLines.watch(child.control(), child.exit());
  }

  /** Forks a child and waits until it has connected back; the caller owns its connections. */
  Child fork() throws IOException {
    if (closed) {
      throw new IOException("the fork server is closed");
    }
    byte[] bytes = new byte[TOKEN_BYTES];
    TOKENS.nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    Connections connections = new Connections();
    pending.put(token, connections);
    try {
      synchronized (zygoteLock) {
        if (!zygote.isAlive()) {
          LOG.warn("fork server ended, starting a new one exit={}", zygote.exitValue());
          zygote = startZygote();
        }
        OutputStream commands = zygote.getOutputStream();
        commands.write((token + "\n").getBytes(StandardCharsets.US_ASCII));
        commands.flush();
      }
      SocketChannel[] channels;
      long pid;
      try {
        channels = connections.all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        pid = connections.pid.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        closeAll(connections.channels);
        throw new IOException("fork server child did not connect back: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closeAll(connections.channels);
        throw new IOException("interrupted while the fork server forked", e);
      }
      CompletableFuture<Integer> exit =
          exits.getOrDefault(pid, CompletableFuture.completedFuture(128 + SIGKILL));
      return new Child(pid, channels[0], channels[1], channels[2], channels[3], exit);
    } finally {
      pending.remove(token);
    }
  }

  private Process startZygote() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("/").toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Process started = builder.start();
    try {
      OutputStream commands = started.getOutputStream();
      commands.write(setUp.getBytes(StandardCharsets.UTF_8));
      commands.flush();
      BufferedReader answer =
          new BufferedReader(
              new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8));
      Optional<String> ready = readyLine(answer);
      if (ready.isEmpty()) {
        throw new IOException("fork server did not start within " + timeout);
      }
      if (!ready.get().equals("ready")) {
        String error = new String(started.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        throw new IOException("fork server did not start: " + error.strip());
      }
      logErrors(started.getErrorStream());
      readReports(answer);
      LOG.info("fork server started pid={} interpreter={}", started.pid(), command.get(0));
      return started;
    } catch (IOException | RuntimeException e) {
      started.destroyForcibly();
      throw e;
    }
  }

  /** The server's first line ("" at its end), or empty when it gave none within the timeout. */
  private Optional<String> readyLine(BufferedReader answer) throws IOException {
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                String first = answer.readLine();
                line.complete(first == null ? "" : first);
              } catch (IOException e) {
                line.complete("");
              }
            },
            "livecode-fork-start");
    reader.setDaemon(true);
    reader.start();
    try {
      return Optional.of(line.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException | ExecutionException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the fork server started", e);
    }
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
        String[] hello = hello(channel).strip().split(" +");
        Connections connections = hello.length == 2 ? pending.get(hello[0]) : null;
        int role = hello.length == 2 ? ROLES.indexOf(hello[1]) : -1;
        if (connections == null || role < 0) {
          channel.close();
        } else {
          connections.add(role, channel);
        }
      } catch (IOException e) {
        closeAll(channel);
      }
    }
  }

  /**
   * A connection's opening line, {@link #HELLO_BYTES} long: read whole in one call where a line of
   * unknown length takes a call per byte, four connections and about 160 system calls per start on
   * one thread. Nothing past it is read; what follows is the program's. Empty when it closes first.
   */
  private static String hello(SocketChannel channel) throws IOException {
    ByteBuffer line = ByteBuffer.allocate(HELLO_BYTES);
    while (line.hasRemaining()) {
      if (channel.read(line) < 0) {
        return "";
      }
    }
    return line.get(HELLO_BYTES - 1) == '\n'
        ? new String(line.array(), 0, HELLO_BYTES - 1, StandardCharsets.US_ASCII)
        : "";
  }

  /**
   * The first line a connection sends, byte by byte (what follows is the program's); empty when it
   * closes first.
   */
  static String firstLine(SocketChannel channel) throws IOException {
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

  /** Closes each socket given (a null array or element is skipped); one already closed is fine. */
  static void closeAll(SocketChannel... channels) {
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
    exitLines.close();
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
