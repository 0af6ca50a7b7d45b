package dev.livecode.sandbox.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A program the fork server started, seen as a {@link Process}: its stdio are the three sockets the
 * server's child connected, and its end is what that child, the init of the program's PID
 * namespace, says on its control socket as soon as the program ended ({@link ExitLines}), or else
 * what the server, its parent, reports once it reaped it (when the init itself was killed). {@link
 * #pid} is that init on the host: killing it ends every process of the program.
 */
final class ForkedProcess extends Process {
  private final long pid;
  private final SocketChannel control;
  private final SocketChannel stdin;
  private final SocketChannel stdout;
  private final SocketChannel stderr;
  private final OutputStream in;
  private final InputStream out;
  private final InputStream err;
  private final CompletableFuture<Integer> exit;

  /**
   * @param exit completed with the exit value the JVM would report (128 + N for a death by signal
   *     N), by the init's exit line or the server's report, whichever comes first
   * @param control the init's control socket, past its "ready" line and watched for its exit line
   */
  ForkedProcess(
      long pid,
      CompletableFuture<Integer> exit,
      SocketChannel control,
      SocketChannel stdin,
      SocketChannel stdout,
      SocketChannel stderr) {
    this.pid = pid;
    this.exit = exit;
    this.control = control;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.in = Channels.newOutputStream(stdin);
    this.out = Channels.newInputStream(stdout);
    this.err = Channels.newInputStream(stderr);
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
    ForkServer.closeAll(control, stdin, stdout, stderr);
  }
}
