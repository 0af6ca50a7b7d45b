package dev.livecode.benchmarks.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough RESP to check that Redis answers and to delete the benchmark's keys by prefix
 * afterwards (SCAN + UNLINK), without a Redis client library in the benchmark.
 */
public final class RedisKeys implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RedisKeys(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code redis://[[user]:password@]host[:port][/db]} and authenticates. */
  public static RedisKeys connect(String redisUrl) throws IOException {
    URI uri = URI.create(redisUrl);
    Socket socket = new Socket();
    socket.connect(
        new InetSocketAddress(
            uri.getHost() == null ? "127.0.0.1" : uri.getHost(),
            uri.getPort() < 0 ? 6379 : uri.getPort()),
        3_000);
    socket.setSoTimeout(10_000);
    RedisKeys redis = new RedisKeys(socket);
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      String user =
          colon < 0 ? "" : URLDecoder.decode(userInfo.substring(0, colon), StandardCharsets.UTF_8);
      String password =
          URLDecoder.decode(
              colon < 0 ? userInfo : userInfo.substring(colon + 1), StandardCharsets.UTF_8);
      if (user.isEmpty()) {
        redis.command("AUTH", password);
      } else {
        redis.command("AUTH", user, password);
      }
    }
    String path = uri.getPath();
    if (path != null && path.length() > 1) {
      redis.command("SELECT", path.substring(1));
    }
    return redis;
  }

  public String ping() throws IOException {
    return String.valueOf(command("PING"));
  }

  /** Deletes every key starting with {@code prefix}; returns how many. */
  public long deletePrefix(String prefix) throws IOException {
    long deleted = 0;
    String cursor = "0";
    int rounds = 0;
    do {
      List<?> reply =
          (List<?>) command("SCAN", cursor, "MATCH", escapeGlob(prefix) + "*", "COUNT", "1000");
      cursor = (String) reply.get(0);
      List<?> keys = (List<?>) reply.get(1);
      if (!keys.isEmpty()) {
        List<String> args = new ArrayList<>();
        args.add("UNLINK");
        for (Object k : keys) {
          args.add((String) k);
        }
        deleted += (Long) command(args.toArray(String[]::new));
      }
    } while (!"0".equals(cursor) && ++rounds < 100_000);
    return deleted;
  }

  static String escapeGlob(String s) {
    return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
  }

  Object command(String... args) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    buf.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      buf.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      buf.writeBytes(b);
      buf.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.write(buf.toByteArray());
    out.flush();
    return read();
  }

  private Object read() throws IOException {
    int type = in.read();
    String line = line();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IOException("redis: " + line);
      case ':':
        return Long.parseLong(line);
      case '$':
        {
          int len = Integer.parseInt(line);
          if (len < 0) {
            return null;
          }
          byte[] data = in.readNBytes(len + 2);
          return new String(data, 0, len, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int n = Integer.parseInt(line);
          List<Object> items = new ArrayList<>(Math.max(n, 0));
          for (int i = 0; i < n; i++) {
            items.add(read());
          }
          return items;
        }
      default:
        throw new IOException("unexpected redis reply type " + type);
    }
  }

  private String line() throws IOException {
    StringBuilder s = new StringBuilder();
    for (int b = in.read(); b != '\r'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("redis closed the connection");
      }
      s.append((char) b);
    }
    in.read(); // '\n'
    return s.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
