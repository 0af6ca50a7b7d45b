package dev.livecode.benchmarks.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * A server-sent events client on a blocking socket that decodes the chunked body itself, so that an
 * event is timed the moment its bytes arrive (no client library's hand-offs in the figure).
 */
public final class SseReader implements Closeable {
  /** One event and when it was read, in epoch nanoseconds (the clock a program's time_ns reads). */
  public record Event(long id, String name, String data, long arrivedEpochNanos) {}

  private final Socket socket;
  private final InputStream in;
  private final StringBuilder pending = new StringBuilder();
  private int status = -1;
  private long chunkLeft;

  private SseReader(Socket socket, String path) throws IOException {
    this.socket = socket;
    socket
        .getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    this.in = new BufferedInputStream(socket.getInputStream());
  }

  /** Sends the request and reads the status line and headers. */
  public static SseReader open(int port, String path) throws IOException {
    SseReader reader = send(port, path);
    reader.head();
    return reader;
  }

  /**
   * Sends the request and reads nothing yet: what the server writes waits in the socket until
   * {@link #status()} or {@link #next()}, so that a caller can watch without a thread of its own.
   */
  public static SseReader send(int port, String path) throws IOException {
    Socket socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(60_000);
    return new SseReader(socket, path);
  }

  public int status() throws IOException {
    head();
    return status;
  }

  private void head() throws IOException {
    if (status >= 0) {
      return;
    }
    String statusLine = line();
    status = Integer.parseInt(statusLine.substring(9, 12));
    while (!line().isEmpty()) {
      // headers: the body is chunked
    }
  }

  /** The next event; empty at the end of the body. Comments are skipped. */
  public Optional<Event> next() throws IOException {
    head();
    while (true) {
      int end = pending.indexOf("\n\n");
      if (end >= 0) {
        String block = pending.substring(0, end);
        pending.delete(0, end + 2);
        long id = 0;
        String name = "message";
        StringBuilder data = new StringBuilder();
        boolean any = false;
        for (String field : block.split("\n")) {
          if (field.startsWith("id: ")) {
            id = Long.parseLong(field.substring(4));
            any = true;
          } else if (field.startsWith("event: ")) {
            name = field.substring(7);
            any = true;
          } else if (field.startsWith("data: ")) {
            data.append(field.substring(6));
            any = true;
          }
        }
        if (any) {
          return Optional.of(new Event(id, name, data.toString(), epochNanos()));
        }
        continue;
      }
      if (!readChunk()) {
        return Optional.empty();
      }
    }
  }

  private static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private boolean readChunk() throws IOException {
    if (chunkLeft == 0) {
      String size = line();
      if (size.isEmpty()) {
        size = line();
      }
      chunkLeft = Long.parseLong(size.trim(), 16);
      if (chunkLeft == 0) {
        return false;
      }
    }
    byte[] buffer = new byte[(int) Math.min(chunkLeft, 8192)];
    int n = in.read(buffer);
    if (n < 0) {
      return false;
    }
    chunkLeft -= n;
    pending.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
    return true;
  }

  private String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed");
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing
    }
  }
}
