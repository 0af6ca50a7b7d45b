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
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived node process that has loaded the TypeScript compiler and turns TypeScript into
 * JavaScript on request, because spawning a transpiler per run costs 170-490 ms and a warm one
 * about 1 ms.
 *
 * <p>It runs outside the sandbox, because it only parses text and never runs user code, and it
 * is bounded instead: a minimal environment, a V8 heap cap, one request at a time, and a time
 * limit per request after which the process is killed and started afresh. A process that dies
 * is started again on the next request.
 */
public final class WarmTranspiler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WarmTranspiler.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** Longest a single transpile may take before the process is restarted. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  /** Longest the process may take to load the compiler (the machine may be busy). */
  public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  /** V8 old-space cap of the transpiler process, in MiB. */
  public static final int MAX_OLD_SPACE_MIB = 256;
  private static final int STDERR_KEPT = 2048;

  /**
   * What one transpile gave: JavaScript, or the diagnostics of a source that does not compile.
   *
   * @param compiled the text is JavaScript
   * @param text the JavaScript or the diagnostics
   * @param definitive the same source always gives this outcome (false after a timeout or a crash
   *     of the transpiler), so it may be cached
   */
  public record Outcome(boolean compiled, String text, boolean definitive) {
    public Outcome {
      Objects.requireNonNull(text, "text");
    }
  }

  private final Path node;
  private final TypeScriptLibrary library;
  private final Duration requestTimeout;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Worker worker;
  private volatile boolean closed;

  public WarmTranspiler(Path node, TypeScriptLibrary library, Duration requestTimeout) {
    this.node = Objects.requireNonNull(node, "node");
    this.library = Objects.requireNonNull(library, "library");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
  }

  /** Starts the process on a background thread, so the first run does not wait for it. */
  public void warmUpInBackground() {
    Thread thread = new Thread(() -> {
      lock.lock();
      try {
        if (!closed) {
          ensureStarted();
        }
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn("typescript transpiler warm-up failed error={}; it is retried on the first run", e.getMessage());
      } finally {
        lock.unlock();
      }
    }, "livecode-typescript-warmup-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Transpiles one program.
   *
   * @throws IllegalStateException when the transpiler cannot be started, or after close
   */
  public Outcome transpile(String source) {
    byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the TypeScript runner is closed");
      }
      Worker current = ensureStarted();
      long started = System.nanoTime();
      Reply reply = current.request(bytes, requestTimeout);
      if (reply == null) {
        LOG.warn("typescript transpiler timed out ms={} pid={}; restarting it", requestTimeout.toMillis(), current.pid());
        stop(current);
        return new Outcome(false, "main.ts: error: the TypeScript compiler did not finish within "
            + requestTimeout.toMillis() + " ms\n", false);
      }
      if (reply == Reply.DEAD) {
        LOG.warn("typescript transpiler died pid={} stderr=\"{}\"; restarting it on the next run", current.pid(), current.stderrTail());
        stop(current);
        return new Outcome(false, "main.ts: error: the TypeScript compiler stopped while compiling this program\n", false);
      }
      LOG.debug("typescript transpiled bytes={} compiled={} us={}", bytes.length, reply.ok(),
          (System.nanoTime() - started) / 1000);
      return new Outcome(reply.ok(), reply.text(), true);
    } finally {
      lock.unlock();
    }
  }

  private Worker ensureStarted() {
    Worker current = worker;
    if (current != null && current.process.isAlive()) {
      return current;
    }
    if (current != null) {
      LOG.warn("typescript transpiler exited pid={} exit={} stderr=\"{}\"; starting a new one", current.pid(),
          current.process.exitValue(), current.stderrTail());
      stop(current);
    }
    worker = Worker.start(node, library);
    if (closed) { // close() ran meanwhile and may not have seen this process
      stop(worker);
      throw new IllegalStateException("the TypeScript runner is closed");
    }
    long started = System.nanoTime();
    Reply ready = worker.await(STARTUP_TIMEOUT);
    if (ready == null || ready == Reply.DEAD || !ready.ok()) {
      Worker failed = worker;
      stop(failed);
      throw new IllegalStateException("the TypeScript compiler did not start: "
          + (ready == null ? "no answer within " + STARTUP_TIMEOUT.toSeconds() + " s" : failed.stderrTail()));
    }
    LOG.info("typescript transpiler started pid={} typescript={} node={} ms={}", worker.pid(), ready.text(), node,
        (System.nanoTime() - started) / 1_000_000);
    return worker;
  }

  private void stop(Worker current) {
    current.kill();
    if (worker == current) {
      worker = null;
    }
  }

  /** True while a warm process is up (for tests and health). */
  public boolean isRunning() {
    Worker current = worker;
    return current != null && current.process.isAlive();
  }

  /** The warm process's pid, or -1 (for tests). */
  public long pid() {
    Worker current = worker;
    return current == null ? -1 : current.pid();
  }

  /** Stops the process; a transpile in progress ends with an error. Calling it twice is harmless. */
  @Override
  public void close() {
    closed = true;
    Worker current = worker;
    if (current != null) {
      current.kill();
      LOG.info("typescript transpiler stopped pid={}", current.pid());
    }
    worker = null;
  }

  /** One reply frame. */
  private record Reply(boolean ok, String text) {
    static final Reply DEAD = new Reply(false, "");
  }

  /** One node process and the thread that reads its replies. */
  private static final class Worker {
    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private Worker(Process process) {
      this.process = process;
      this.stdin = process.getOutputStream();
    }

    static Worker start(Path node, TypeScriptLibrary library) {
      ProcessBuilder builder = new ProcessBuilder(List.of(node.toString(), "--max-old-space-size=" + MAX_OLD_SPACE_MIB,
          library.serverJs().toString(), library.typescriptJs().toString()))
          .directory(library.serverJs().getParent().toFile());
      Map<String, String> env = builder.environment();
      env.clear(); // never the server's environment: it may hold secrets, and it slows node down
      env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
      env.put("LANG", "C.UTF-8");
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new IllegalStateException("could not start " + node + " for the TypeScript compiler: " + e.getMessage(), e);
      }
      Worker worker = new Worker(process);
      int n = THREADS.incrementAndGet();
      daemon("livecode-typescript-reader-" + n, worker::readReplies).start();
      daemon("livecode-typescript-stderr-" + n, worker::readStderr).start();
      return worker;
    }

    private static Thread daemon(String name, Runnable body) {
      Thread thread = new Thread(body, name);
      thread.setDaemon(true);
      return thread;
    }

    long pid() {
      return process.pid();
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
        for (;;) {
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
      for (;;) {
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
}
