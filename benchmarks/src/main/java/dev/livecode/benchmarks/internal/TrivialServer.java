package dev.livecode.benchmarks.internal;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The HTTP baseline: a JDK HttpServer whose one handler reads the request body and answers 200 with
 * a small fixed JSON, nodelay on. Started by the benchmark as a child JVM: {@code java -cp
 * livecode-benchmarks.jar dev.livecode.benchmarks.internal.TrivialServer --port N [--threads N]}
 * ({@code --threads 0}, the default, runs handlers on the dispatcher thread).
 */
public final class TrivialServer {
  private static final byte[] BODY = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);

  private TrivialServer() {}

  public static void main(String[] args) throws IOException {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int port = 0;
    int threads = 0;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    server.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
          }
          exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
          exchange.sendResponseHeaders(200, BODY.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(BODY);
          }
        });
    if (threads > 0) {
      server.setExecutor(Executors.newFixedThreadPool(threads));
    }
    server.start();
    System.out.println("trivial server listening port=" + server.getAddress().getPort());
  }
}
