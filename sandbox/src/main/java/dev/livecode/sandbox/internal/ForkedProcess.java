package dev.livecode.sandbox.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A program the fork server started, seen as a {@link Process}: its stdio are the three sockets the
 * server's child connected, and its end is what that child (outside the program's PID namespace)
 * reports on its control socket. {@link #pid} is the namespace's init on the host: killing it ends
 * every process of the program.
 */
final class ForkedProcess extends Process {
  private static final int SIGKILL = 9;

  private final long pid;
  private final SocketChannel control;
  private final SocketChannel stdin;
  private final SocketChannel stdout;
  private final SocketChannel stderr;
  private final OutputStream in;
  private final InputStream out;
  private final InputStream err;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();

  /**
   * @param control the child's control socket, past its "pid" and "ready" lines: what comes next is
   *     the program's end, "exit N" or "signal N"
   */
  ForkedProcess(
      long pid,
      SocketChannel control,
      BufferedReader controlLines,
      SocketChannel stdin,
      SocketChannel stdout,
      SocketChannel stderr) {
    this.pid = pid;
    this.control = control;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.in = Channels.newOutputStream(stdin);
    this.out = Channels.newInputStream(stdout);
    this.err = Channels.newInputStream(stderr);
    Thread watcher = new Thread(() -> watch(controlLines), "livecode-forked-" + pid);
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Lines of a control socket, read without a buffer that could hold back the next line. */
  static BufferedReader lines(SocketChannel control) {
    return new BufferedReader(
        new InputStreamReader(Channels.newInputStream(control), StandardCharsets.US_ASCII), 256);
  }

  private void watch(BufferedReader lines) {
    int value = 128 + SIGKILL;
    try {
      String line = lines.readLine();
      if (line != null) {
        String[] fields = line.split("\t");
        int n = Integer.parseInt(fields[1].trim());
        value = fields[0].equals("exit") ? n : 128 + n;
      }
    } catch (IOException | RuntimeException e) {
      // The child was killed with the program (the cgroup's kill reaches it too): SIGKILL.
    } finally {
      closeQuietly(control);
      exit.complete(value);
    }
  }

  @Override
  public OutputStream getOutputStream() {
    return in;
  }

  @Override
  public InputStream getInputStream() {
    return out;
  }

  @Override
  public InputStream getErrorStream() {
    return err;
  }

  @Override
  public int waitFor() throws InterruptedException {
    try {
      return exit.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      exit.get(timeout, unit);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int exitValue() {
    Integer value = exit.getNow(null);
    if (value == null) {
      throw new IllegalThreadStateException("process " + pid + " has not exited");
    }
    return value;
  }

  /** Kills the program's PID namespace; its stdio stay open, so output not read yet is kept. */
  @Override
  public void destroy() {
    if (!exit.isDone()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Override
  public Process destroyForcibly() {
    destroy();
    return this;
  }

  @Override
  public boolean isAlive() {
    return !exit.isDone();
  }

  @Override
  public CompletableFuture<Process> onExit() {
    return exit.thenApply(value -> this);
  }

  @Override
  public long pid() {
    return pid;
  }

  /** The namespace's init, while it runs. */
  @Override
  public ProcessHandle toHandle() {
    return ProcessHandle.of(pid)
        .orElseThrow(() -> new IllegalStateException("process " + pid + " has ended"));
  }

  /** Closes every socket of the program: called once it has ended and its output was read. */
  void closeStreams() {
    closeQuietly(stdin);
    closeQuietly(stdout);
    closeQuietly(stderr);
    closeQuietly(control);
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a socket of an ended program: nothing to do.
    }
  }
}
