package dev.livecode.http.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Reads a request body on the request thread under its {@link RequestWatch}: bounded in bytes, and
 * in time by the request deadline (the watchdog interrupts a read that blocks past it).
 */
final class RequestBody {
  /**
   * What is left of a body after the handler is read and dropped up to this, so the connection can
   * stay open; beyond it the answer closes the connection (the JDK server drains as much).
   */
  static final int DISCARD_BYTES = 64 * 1024;

  /** Beyond this, the connection is closed without reading the rest of an oversized body. */
  private static final long MAX_DRAIN_BYTES = 64L * 1024 * 1024;

  private static final int CHUNK = 8 * 1024;

  private RequestBody() {}

  /**
   * The whole body: 413 over {@code maxBytes}, 408 when it is not in by the request deadline, 400
   * when the client broke off.
   *
   * @param declared the Content-Length, or -1 for a chunked body
   */
  static byte[] read(InputStream in, RequestWatch watch, long maxBytes, long declared) {
    if (!watch.beginBody()) {
      watch.abandonBody();
      throw timedOut();
    }
    byte[] body = null;
    ApiException failure = null;
    try {
      // A declared length is trusted for the allocation only when small: a client that declares a
      // megabyte and sends nothing must not make the server hold one.
      body =
          declared > maxBytes
              ? drainAndRefuse(in, watch, maxBytes)
              : declared >= 0 && declared <= DISCARD_BYTES
                  ? readDeclared(in, watch, (int) declared)
                  : readGrowing(in, watch, maxBytes);
    } catch (ApiException e) {
      failure = e;
    } catch (IOException e) {
      failure = ApiException.badRequest("UNREADABLE_BODY", "the request body could not be read");
    }
    boolean onTime = watch.endBody();
    if (!onTime || failure != null) {
      watch.abandonBody();
      throw onTime ? failure : timedOut();
    }
    return body;
  }

  /**
   * Reads and drops what is left of the body, up to {@code maxBytes} and the request deadline.
   *
   * @return whether the body was read to its end, so that the connection can serve another request
   */
  static boolean discard(InputStream in, RequestWatch watch, long maxBytes) {
    if (watch.bodyAbandoned() || !watch.beginBody()) {
      return false;
    }
    boolean end = false;
    try {
      // The usual case, a request without a body or whose body the handler read: no buffer needed.
      int first = in.read();
      end = first < 0 || skip(in, watch, maxBytes - 1);
    } catch (IOException e) {
      end = false;
    }
    return watch.endBody() && end;
  }

  private static boolean skip(InputStream in, RequestWatch watch, long maxBytes)
      throws IOException {
    byte[] buffer = new byte[CHUNK];
    long left = maxBytes;
    while (left > 0 && !watch.requestLate(System.nanoTime())) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        return true;
      }
      left -= read;
    }
    return false;
  }

  private static byte[] readDeclared(InputStream in, RequestWatch watch, int length)
      throws IOException {
    byte[] body = new byte[length];
    int at = 0;
    while (at < length) {
      int read = in.read(body, at, length - at);
      if (read < 0) {
        throw new IOException("the body ended early");
      }
      at += read;
      if (at < length && watch.requestLate(System.nanoTime())) {
        throw timedOut();
      }
    }
    return body;
  }

  private static byte[] readGrowing(InputStream in, RequestWatch watch, long maxBytes)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK);
    byte[] buffer = new byte[CHUNK];
    for (int read; (read = in.read(buffer)) >= 0; ) {
      if (out.size() + (long) read > maxBytes) {
        return drainAndRefuse(in, watch, maxBytes);
      }
      out.write(buffer, 0, read);
      if (watch.requestLate(System.nanoTime())) {
        throw timedOut();
      }
    }
    return out.toByteArray();
  }

  /**
   * Reads and drops what the client is still sending (bounded in bytes and by the deadline), so
   * that it gets to read the 413 instead of a connection reset, then refuses the body.
   */
  private static byte[] drainAndRefuse(InputStream in, RequestWatch watch, long maxBytes) {
    try {
      skip(in, watch, MAX_DRAIN_BYTES);
    } catch (IOException e) {
      // The client gave up: nothing to drain.
    }
    throw new ApiException(
        413, "PAYLOAD_TOO_LARGE", "the request body is larger than " + maxBytes + " bytes");
  }

  /** 408: the client was too slow; the connection is closed after the answer. */
  static ApiException timedOut() {
    return new ApiException(
        408,
        "REQUEST_TIMEOUT",
        "the request was not received in time; send it again",
        Map.of(),
        Map.of("Connection", "close"));
  }
}
