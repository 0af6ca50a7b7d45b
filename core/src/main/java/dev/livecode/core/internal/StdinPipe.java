package dev.livecode.core.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The stdin of an interactive run: what is sent before the program starts waits here, and from its
 * start each piece is written to the program's stdin pipe in order, by one io task at a time, so
 * that a program that does not read blocks neither the sender nor a worker. Bounded by what the run
 * may be sent in all, the run's first stdin included.
 */
final class StdinPipe {
  /** Why a send was refused. */
  enum Refusal {
    NONE,
    CLOSED,
    TOO_LARGE
  }

  private final long cap;
  private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
  private long accepted;
  private boolean eofAsked;
  private boolean ended;
  private boolean writing;
  private OutputStream out;
  private Executor io;

  StdinPipe(long cap, byte[] first) {
    this.cap = cap;
    if (first.length > 0) {
      pending.add(first);
      accepted = first.length;
    }
  }

  /**
   * Queues {@code data} for the program; refused once stdin is closed, or past the cap (nothing is
   * then taken).
   */
  Refusal send(byte[] data, boolean eof) {
    synchronized (this) {
      if (eofAsked || ended) {
        return Refusal.CLOSED;
      }
      if (accepted + data.length > cap) {
        return Refusal.TOO_LARGE;
      }
      accepted += data.length;
      if (data.length > 0) {
        pending.add(data);
      }
      eofAsked = eof;
    }
    kick();
    return Refusal.NONE;
  }

  synchronized boolean closed() {
    return eofAsked || ended;
  }

  /**
   * The program started: {@code prefix} (a warm interpreter's program) goes first, then what waits.
   */
  void attach(OutputStream stdin, byte[] prefix, Executor executor) {
    synchronized (this) {
      if (prefix.length > 0) {
        pending.addFirst(prefix);
      }
      this.out = stdin;
      this.io = executor;
    }
    kick();
  }

  /** The run ended: what still waits is dropped, and the pipe closed. */
  void end() {
    OutputStream stream;
    synchronized (this) {
      ended = true;
      pending.clear();
      stream = writing ? null : out;
      out = writing ? out : null;
    }
    closeQuietly(stream);
  }

  private void kick() {
    Executor executor;
    synchronized (this) {
      if (out == null || writing || (pending.isEmpty() && !eofAsked)) {
        return;
      }
      writing = true;
      executor = io;
    }
    try {
      executor.execute(this::write);
    } catch (RejectedExecutionException e) {
      end();
    }
  }

  private void write() {
    while (true) {
      byte[] next;
      OutputStream stream;
      synchronized (this) {
        stream = out;
        next = pending.poll();
        if (stream == null || next == null) {
          writing = false;
          if (stream != null && (eofAsked || ended)) {
            out = null;
            closeQuietly(stream);
          }
          return;
        }
      }
      try {
        stream.write(next);
        stream.flush();
      } catch (IOException e) {
        // The program exited or closed its stdin: what it did not read is dropped.
        synchronized (this) {
          pending.clear();
          ended = true;
        }
      }
    }
  }

  private static void closeQuietly(OutputStream stream) {
    if (stream == null) {
      return;
    }
    try {
      stream.close();
    } catch (IOException e) {
      // Nothing to do: the program is gone.
    }
  }
}
