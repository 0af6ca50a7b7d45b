package dev.livecode.benchmarks.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One keep-alive HTTP/1.1 connection on a blocking socket, as wrk drives them: write a request,
 * read the whole response (Content-Length or chunked), repeat. Reconnects when the server closes.
 * Not thread-safe: one per load thread.
 */
public final class RawHttpConnection implements Closeable {
  private final String host;
  private final int port;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  public RawHttpConnection(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /** The bytes of one request with a JSON body (or none when {@code body} is null). */
  public static byte[] request(String method, String path, String hostHeader, String body) {
    return request(method, path, hostHeader, body, Map.of());
  }

  /** The same, with {@code headers} after {@code Host}. */
  public static byte[] request(
      String method, String path, String hostHeader, String body, Map<String, String> headers) {
    byte[] bodyBytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head =
        new StringBuilder(160)
            .append(method)
            .append(' ')
            .append(path)
            .append(" HTTP/1.1\r\n")
            .append("Host: ")
            .append(hostHeader)
            .append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    if (body != null) {
      head.append("Content-Type: application/json\r\n")
          .append("Content-Length: ")
          .append(bodyBytes.length)
          .append("\r\n");
    }
    head.append("\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[headBytes.length + bodyBytes.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(bodyBytes, 0, all, headBytes.length, bodyBytes.length);
    return all;
  }

  /** Sends {@code request} and reads the response; returns its status code. */
  public int exchange(byte[] request) throws IOException {
    return send(request, false).status();
  }

  /** A response: its status and, when asked for, its body. */
  public record Response(int status, byte[] body) {}

  /** Sends {@code request} and reads the whole response, keeping its body. */
  public Response exchangeForBody(byte[] request) throws IOException {
    return send(request, true);
  }

  private Response send(byte[] request, boolean keepBody) throws IOException {
    if (socket == null) {
      connect();
    }
    out.write(request);
    out.flush();
    return readResponse(keepBody);
  }

  private void connect() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port), 5_000);
    socket.setSoTimeout(30_000);
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    out = new BufferedOutputStream(socket.getOutputStream(), 8 * 1024);
  }

  private Response readResponse(boolean keepBody) throws IOException {
    String statusLine = readLine();
    // "HTTP/1.1 200 OK"
    int status;
    try {
      status = Integer.parseInt(statusLine.substring(9, 12));
    } catch (RuntimeException e) {
      close();
      throw new IOException("not an HTTP status line: '" + statusLine + "'", e);
    }
    long contentLength = -1;
    boolean chunked = false;
    boolean closeAfter = false;
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> contentLength = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> closeAfter = value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    java.io.ByteArrayOutputStream body = keepBody ? new java.io.ByteArrayOutputStream() : null;
    if (chunked) {
      for (long size = Long.parseLong(readLine().split(";")[0].trim(), 16);
          size > 0;
          size = Long.parseLong(readLine().split(";")[0].trim(), 16)) {
        consume(size, body);
        readLine();
      }
      while (!readLine().isEmpty()) {
        // trailers
      }
    } else if (contentLength > 0) {
      consume(contentLength, body);
    }
    if (closeAfter) {
      close();
    }
    return new Response(status, body == null ? new byte[0] : body.toByteArray());
  }

  private void consume(long n, java.io.ByteArrayOutputStream body) throws IOException {
    if (body == null) {
      skip(n);
      return;
    }
    byte[] bytes = in.readNBytes((int) n);
    if (bytes.length < n) {
      throw new EOFException("connection closed in a response body");
    }
    body.write(bytes, 0, bytes.length);
  }

  private void skip(long n) throws IOException {
    long left = n;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("connection closed in a response body");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        close();
        throw new EOFException("connection closed by the server");
      }
      if (b == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      line.append((char) b);
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
      socket = null;
    }
  }
}
