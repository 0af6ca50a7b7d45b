package dev.livecode.sandbox.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the "exit N" line that each forked program's init sends on its control socket as soon as
 * the program ended, for every program of one fork server on one thread.
 *
 * <p>Why one thread: a thread per program was made and ended with every run, a clone, a stack and
 * its teardown in the JVM each time, for a wait that is a readable socket. A line that never comes
 * (the init was killed) leaves the exit to the server's own report, as before.
 */
final class ExitLines implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExitLines.class);
  private static final int MAX_LINE = 64;

  private final Selector selector;
  private final Queue<Watch> added = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  private record Watch(SocketChannel control, CompletableFuture<Integer> exit, ByteBuffer line) {}

  ExitLines(String name) throws IOException {
    this.selector = Selector.open();
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Completes {@code exit} with the value the init reports, and closes {@code control} once it has
   * reported or closed.
   */
  void watch(SocketChannel control, CompletableFuture<Integer> exit) throws IOException {
    control.configureBlocking(false);
    added.add(new Watch(control, exit, ByteBuffer.allocate(MAX_LINE)));
    selector.wakeup();
  }

  private void run() {
    while (!closed) {
      try {
        selector.select();
        for (Watch watch; (watch = added.poll()) != null; ) {
          register(watch);
        }
        for (SelectionKey key : selector.selectedKeys()) {
          read((Watch) key.attachment());
        }
        selector.selectedKeys().clear();
      } catch (IOException | RuntimeException e) {
        LOG.warn("forked exits unreadable error={}", e.toString());
      }
    }
  }

  private void register(Watch watch) {
    try {
      watch.control().register(selector, SelectionKey.OP_READ, watch);
    } catch (IOException | RuntimeException e) {
      // Closed before it was watched: the program was closed, or the server reports its end.
      ForkServer.closeAll(watch.control());
    }
  }

  private static void read(Watch watch) {
    ByteBuffer line = watch.line();
    int n;
    try {
      n = watch.control().read(line);
    } catch (IOException e) {
      n = -1;
    }
    int end = indexOfNewline(line);
    if (end >= 0) {
      String[] fields = new String(line.array(), 0, end, StandardCharsets.UTF_8).split("\t");
      if (fields.length == 2 && fields[0].equals("exit")) {
        try {
          watch.exit().complete(Integer.parseInt(fields[1]));
        } catch (NumberFormatException e) {
          // Not an exit value: the server's report ends it.
        }
      }
    }
    if (end >= 0 || n < 0 || !line.hasRemaining()) {
      ForkServer.closeAll(watch.control());
    }
  }

  private static int indexOfNewline(ByteBuffer line) {
    for (int i = 0; i < line.position(); i++) {
      if (line.get(i) == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Stops the thread; sockets still watched are closed with their programs. */
  @Override
  public void close() {
    closed = true;
    selector.wakeup();
    try {
      thread.join(1000);
      selector.close();
    } catch (IOException e) {
      // The selector's own descriptors: nothing is left to read.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
