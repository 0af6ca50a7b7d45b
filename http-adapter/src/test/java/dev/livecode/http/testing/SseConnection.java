package dev.livecode.http.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A server-sent events client on a plain socket: it reads the chunked body as it comes, so a test
 * sees each event when the server flushes it, and can stop reading or hang up at any point.
 */
public final class SseConnection implements AutoCloseable {
  /** One event: its {@code id:}, {@code event:} and {@code data:} lines. */
  public record Event(long id, String name, String data) {}

  private final Socket socket;
  private final InputStream in;
  private final int status;
  private final Map<String, String> headers = new TreeMap<>();
  private long chunkLeft;
  private boolean ended;

  private SseConnection(Socket socket, String path, Map<String, String> requestHeaders)
      throws IOException {
    this.socket = socket;
    StringBuilder request =
        new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    request.append("Accept: text/event-stream\r\n");
    requestHeaders.forEach((name, value) -> request.append(name + ": " + value + "\r\n"));
    socket
        .getOutputStream()
        .write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    this.in = new BufferedInputStream(socket.getInputStream());
    String statusLine = rawLine();
    this.status = Integer.parseInt(statusLine.substring(9, 12));
    for (String header = rawLine(); !header.isEmpty(); header = rawLine()) {
      int colon = header.indexOf(':');
      headers.put(
          header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          header.substring(colon + 1).trim());
    }
  }

  public static SseConnection open(int port, String path, Map<String, String> headers)
      throws IOException {
    Socket socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(30_000);
    return new SseConnection(socket, path, headers);
  }

  /**
   * Connects, sends the request and reads the status line (so the server has taken the stream when
   * this returns), then never reads again: the server's writes back up.
   */
  public static Socket openAndNeverRead(int port, String path) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(1024);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    String request =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    socket.setSoTimeout(30_000);
    InputStream in = socket.getInputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("closed before the status line");
      }
    }
    return socket;
  }

  public int status() {
    return status;
  }

  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The body of a non-stream answer (a problem document), by its Content-Length. */
  public String plainBody() throws IOException {
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  /** The next event, skipping comments; empty when the server ended the stream. */
  public Optional<Event> next(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    long id = -1;
    String name = "message";
    StringBuilder data = null;
    while (true) {
      Optional<String> maybe = bodyLine();
      if (maybe.isEmpty()) {
        return Optional.empty();
      }
      String line = maybe.get();
      if (line.isEmpty()) {
        if (data != null) {
          return Optional.of(new Event(id, name, data.toString()));
        }
        continue;
      }
      if (line.startsWith(":")) {
        comments++;
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      value = value.startsWith(" ") ? value.substring(1) : value;
      switch (field) {
        case "id" -> id = Long.parseLong(value);
        case "event" -> name = value;
        case "data" ->
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> throw new IOException("unexpected field " + field);
      }
    }
  }

  private int comments;

  /** Comment lines seen so far (keep-alives). */
  public int comments() {
    return comments;
  }

  /** A line of the de-chunked body, without its end; empty at the end of the body. */
  private Optional<String> bodyLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = bodyByte();
      if (b < 0) {
        if (line.size() == 0) {
          return Optional.empty();
        }
        throw new EOFException("stream ended in a line");
      }
      if (b == '\n') {
        return Optional.of(line.toString(StandardCharsets.UTF_8));
      }
      line.write(b);
    }
  }

  private int bodyByte() throws IOException {
    if (ended) {
      return -1;
    }
    if (chunkLeft == 0) {
      String size = rawLine();
      if (size.isEmpty()) {
        size = rawLine(); // the CRLF after the previous chunk
      }
      chunkLeft = Long.parseLong(size.split(";", 2)[0].trim(), 16);
      if (chunkLeft == 0) {
        ended = true;
        return -1;
      }
    }
    int b = in.read();
    if (b < 0) {
      throw new EOFException("connection closed in a chunk");
    }
    chunkLeft--;
    return b;
  }

  private String rawLine() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed by the server");
      }
      line.append((char) b);
    }
    int end = line.length();
    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
  }

  /** Whether the server closes the connection after the stream's end within {@code timeout}. */
  public boolean closedWithin(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    try {
      rawLine(); // the CRLF after the last chunk
      return in.read() < 0;
    } catch (EOFException e) {
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
