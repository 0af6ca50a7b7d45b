package dev.livecode.server.internal;

import dev.livecode.http.LivecodeHttpServer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JDK HTTP server's own limits, which are JVM-wide system properties read once, when the first
 * server of the JVM starts. The standalone server owns its JVM and sets them to match its
 * configuration; a property given with {@code -D} wins. The library never calls this: an embedding
 * application decides its JVM's settings (see {@code LivecodeHttpServer}).
 */
final class JdkHttpSettings {
  /**
   * Longest time, in seconds, from the end of a request to the end of its answer: the longest long
   * poll (30 s) and as long again to write the answer to a slow reader.
   */
  static final long MAX_RESPONSE_SECONDS = 2 * LivecodeHttpServer.MAX_WAIT.toSeconds();

  /** Headers over the 431 limit are still read up to this many times it, to answer 431. */
  static final int HEADER_CUT_FACTOR = 4;

  private JdkHttpSettings() {}

  /**
   * Sets every property not set yet.
   *
   * @return the effective values, as {@code key=value} pairs for the start-up log
   */
  static String apply(ServerConfig config) {
    Map<String, String> wanted = new LinkedHashMap<>();
    // Without it, keep-alive clients wait ~40 ms per request (Nagle against delayed ACKs).
    wanted.put("sun.net.httpserver.nodelay", "true");
    // The JDK closes, without telling the client, a keep-alive connection that becomes idle while
    // this many are idle (default 200): a client then finds it closed when it sends its next
    // request. The connection cap bounds idle connections instead.
    wanted.put("sun.net.httpserver.maxIdleConnections", Integer.toString(config.maxConnections()));
    wanted.put("jdk.httpserver.maxConnections", Integer.toString(config.maxConnections()));
    wanted.put(
        "sun.net.httpserver.maxReqHeaderSize",
        Integer.toString(HEADER_CUT_FACTOR * config.maxHeaderBytes()));
    // Bounds a slow reader of an answer, and frees the JDK's record of a connection whose answer
    // failed to be written (otherwise it counts against maxConnections for good).
    wanted.put("sun.net.httpserver.maxRspTime", Long.toString(MAX_RESPONSE_SECONDS));
    StringBuilder effective = new StringBuilder();
    wanted.forEach(
        (key, value) -> {
          if (System.getProperty(key) == null) {
            System.setProperty(key, value);
          }
          effective
              .append(effective.length() == 0 ? "" : " ")
              .append(key)
              .append('=')
              .append(System.getProperty(key));
        });
    return effective.toString();
  }
}
