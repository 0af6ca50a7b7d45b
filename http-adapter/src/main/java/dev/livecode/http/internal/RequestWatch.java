package dev.livecode.http.internal;

/**
 * The deadlines of one request while a request thread reads it, and the one place where that thread
 * is interrupted when the client is too slow.
 *
 * <p>The JDK server reads a request's line and headers on the request thread, blocking, and our
 * handler reads the body the same way. Interrupting a thread blocked on a socket channel closes the
 * channel: that is how a slow client is dropped and its thread freed. A thread is interrupted only
 * while it reads ({@link Phase#HEADERS}, {@link Phase#BODY}, {@link Phase#LINGER}), never while it
 * handles the request (a store call must not be cut short), and never after {@link #finish()}, so
 * that the interrupt cannot reach the next request the thread serves. Every change of phase and the
 * interrupt itself happen under this object's lock for that reason.
 */
final class RequestWatch {
  /**
   * How long after its deadline a read is interrupted: a client still sending in this time gets 408
   * from the handler's own check, one that sends nothing is dropped.
   */
  static final long GRACE_NANOS = 1_000_000_000L;

  /** Where the request is. */
  enum Phase {
    HEADERS,
    HANDLING,
    BODY,
    LINGER,
    EXPIRED,
    DONE
  }

  /** A watch that never expires, for a request served off the request threads. */
  static RequestWatch unwatched() {
    return new RequestWatch(
        Thread.currentThread(), Long.MAX_VALUE, Long.MAX_VALUE, System.nanoTime());
  }

  private final Thread thread;
  private final long startNanos;
  private final long headerTimeoutNanos;
  private final long requestTimeoutNanos;
  private Phase phase = Phase.HEADERS;
  private long lingerDeadline;
  private volatile boolean bodyAbandoned;

  RequestWatch(Thread thread, long headerTimeoutNanos, long requestTimeoutNanos, long startNanos) {
    this.thread = thread;
    this.startNanos = startNanos;
    this.headerTimeoutNanos = headerTimeoutNanos;
    this.requestTimeoutNanos = requestTimeoutNanos;
  }

  /**
   * The headers are read and the handler starts. False when the watchdog expired the request first:
   * its interrupt has then been delivered and is cleared here, so that the handler can still answer
   * 408 when the connection survived it (the interrupt came between two reads).
   */
  synchronized boolean enterHandler() {
    if (phase == Phase.HEADERS) {
      phase = Phase.HANDLING;
      return true;
    }
    return recoverIfExpired();
  }

  /** The handler starts reading the body. False when the request already expired. */
  synchronized boolean beginBody() {
    if (phase == Phase.HANDLING) {
      phase = Phase.BODY;
      return true;
    }
    return false;
  }

  /** The body is read (or its read failed). False when the watchdog expired it meanwhile. */
  synchronized boolean endBody() {
    if (phase == Phase.BODY) {
      phase = Phase.HANDLING;
      return true;
    }
    return recoverIfExpired();
  }

  /**
   * The handler answers a request whose body it did not read to the end: the JDK server reads and
   * drops what is left when the exchange closes, blocking, so that write and close may take until
   * {@code deadlineNanos} and no longer. False when the request already expired.
   */
  synchronized boolean beginLinger(long deadlineNanos) {
    if (phase == Phase.HANDLING) {
      phase = Phase.LINGER;
      lingerDeadline = deadlineNanos;
      return true;
    }
    return false;
  }

  /** The answer is written and the exchange closed (or that failed). */
  synchronized void endLinger() {
    if (phase == Phase.LINGER) {
      phase = Phase.HANDLING;
    } else {
      recoverIfExpired();
    }
  }

  /**
   * After an expiry the handler goes on to answer (or to fail writing): the interrupt, delivered
   * under this lock, is cleared and the watch re-armed, so that a linger can still be bounded.
   */
  private boolean recoverIfExpired() {
    if (phase == Phase.EXPIRED) {
      Thread.interrupted();
      phase = Phase.HANDLING;
    }
    return false;
  }

  /**
   * Reading the body failed (too large, too slow, malformed, cut off): what is left of it is not
   * read again, and the answer closes the connection.
   */
  void abandonBody() {
    bodyAbandoned = true;
  }

  boolean bodyAbandoned() {
    return bodyAbandoned;
  }

  /** Whether the headers took longer than the header timeout. */
  boolean headersLate(long nowNanos) {
    return nowNanos - startNanos >= headerTimeoutNanos;
  }

  /** Whether the request (headers and body) took longer than the request timeout. */
  boolean requestLate(long nowNanos) {
    return nowNanos - startNanos >= requestTimeoutNanos;
  }

  /**
   * Called by the watchdog: interrupts the reading thread when its phase is over its deadline by
   * more than {@link #GRACE_NANOS} (a linger has no grace).
   *
   * @return the phase that expired, or null when nothing did
   */
  synchronized Phase expireIfLate(long nowNanos) {
    Phase late =
        switch (phase) {
          case HEADERS -> headersLate(nowNanos - GRACE_NANOS) ? Phase.HEADERS : null;
          case BODY -> requestLate(nowNanos - GRACE_NANOS) ? Phase.BODY : null;
          case LINGER -> nowNanos - lingerDeadline >= 0 ? Phase.LINGER : null;
          default -> null;
        };
    if (late != null) {
      phase = Phase.EXPIRED;
      thread.interrupt();
    }
    return late;
  }

  /** The request thread is done with this request: no interrupt can come after this. */
  synchronized void finish() {
    phase = Phase.DONE;
  }
}
