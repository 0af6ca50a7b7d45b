package dev.livecode.runner.node.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One node process that has loaded the TypeScript compiler (transpile-server.js), and the thread
 * that reads its replies. Serves one request at a time: {@link WarmTranspiler} lends it to one
 * transpile, then takes it back or kills it.
 */
final class TranspilerProcess {
  /** V8 old-space cap, in MiB: a source cannot make one grow without bound. */
  static final int MAX_OLD_SPACE_MIB = 256;

  private static final int STDERR_KEPT = 2048;
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** One reply frame. */
  record Reply(boolean ok, String text) {
    static final Reply DEAD = new Reply(false, "");
  }

  private final Process process;
  private final OutputStream stdin;
  private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  private TranspilerProcess(Process process) {
    this.process = process;
    this.stdin = process.getOutputStream();
  }

  /**
   * Starts node with the compiler; it answers {@link #await} with the TypeScript version once warm.
   *
   * @throws IllegalStateException when node cannot be started
   */
  static TranspilerProcess start(Path node, TypeScriptLibrary library) {
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    node.toString(),
                    "--max-old-space-size=" + MAX_OLD_SPACE_MIB,
                    library.serverJs().toString(),
                    library.typescriptJs().toString()))
            .directory(library.serverJs().getParent().toFile());
    Map<String, String> env = builder.environment();
    env.clear(); // never the server's environment: it may hold secrets, and it slows node down
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("LANG", "C.UTF-8");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not start " + node + " for the TypeScript compiler: " + e.getMessage(), e);
    }
    TranspilerProcess started = new TranspilerProcess(process);
    int n = THREADS.incrementAndGet();
    daemon("livecode-typescript-reader-" + n, started::readReplies).start();
    daemon("livecode-typescript-stderr-" + n, started::readStderr).start();
    return started;
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  long pid() {
    return process.pid();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The reply, {@link Reply#DEAD} if the process ended, or null on timeout. */
  Reply request(byte[] source, Duration timeout) {
    try {
      stdin.write((source.length + "\n").getBytes(StandardCharsets.ISO_8859_1));
      stdin.write(source);
      stdin.flush();
    } catch (IOException e) {
      return Reply.DEAD;
    }
    return await(timeout);
  }

  /** The next reply, {@link Reply#DEAD} if the process ended, or null on timeout. */
  Reply await(Duration timeout) {
    try {
      return replies.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Reply.DEAD;
    }
  }

  private void readReplies() {
    try (InputStream in = new BufferedInputStream(process.getInputStream(), 64 * 1024)) {
      for (; ; ) {
        String header = readLine(in);
        int space = header.indexOf(' ');
        if (space < 0) {
          throw new IOException("bad reply header: " + header);
        }
        int length = Integer.parseInt(header.substring(space + 1));
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
          throw new EOFException();
        }
        replies.add(new Reply(header.startsWith("OK"), new String(body, StandardCharsets.UTF_8)));
      }
    } catch (IOException | RuntimeException e) {
      replies.add(Reply.DEAD);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder(16);
    for (; ; ) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException();
      }
      if (b == '\n') {
        return line.toString();
      }
      if (line.length() > 64) {
        throw new IOException("reply header too long");
      }
      line.append((char) b);
    }
  }

  private void readStderr() {
    byte[] chunk = new byte[1024];
    try (InputStream in = process.getErrorStream()) {
      int read;
      while ((read = in.read(chunk)) >= 0) {
        synchronized (stderr) {
          if (stderr.size() < STDERR_KEPT) {
            stderr.write(chunk, 0, Math.min(read, STDERR_KEPT - stderr.size()));
          }
        }
      }
    } catch (IOException e) {
      // The process is gone.
    }
  }

  String stderrTail() {
    synchronized (stderr) {
      return stderr.toString(StandardCharsets.UTF_8).strip().replace('\n', ' ');
    }
  }

  void kill() {
    process.destroyForcibly();
    try {
      stdin.close();
    } catch (IOException e) {
      // Already gone.
    }
  }
}
