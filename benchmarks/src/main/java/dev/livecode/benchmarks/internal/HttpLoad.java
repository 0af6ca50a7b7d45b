package dev.livecode.benchmarks.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop HTTP load: {@code connections} threads, each with its own keep-alive connection, send
 * one request after another for a warm-up and then a measured window; only responses that complete
 * inside the window are counted. Bounded in time whatever the server does.
 */
public final class HttpLoad {
  private static final String HOST = "127.0.0.1";

  /** What to send: request {@code seq} of thread {@code thread}. */
  public interface Target {
    String method();

    String path(int thread, long seq);

    /** The JSON body, or null for none. */
    String body(int thread, long seq);

    /** Headers sent with every request (an API key, say); none by default. */
    default Map<String, String> headers() {
      return Map.of();
    }
  }

  /**
   * Autosave: PATCHes of a new {@code source_code}, each thread on its own session of {@code
   * sessions} (in turn when there are fewer sessions than threads).
   */
  static Target autosave(List<String> sessions, Map<String, String> headers) {
    AtomicLong counter = new AtomicLong();
    return new Target() {
      @Override
      public String method() {
        return "PATCH";
      }

      @Override
      public String path(int thread, long seq) {
        return "/code-sessions/" + sessions.get(thread % sessions.size());
      }

      @Override
      public String body(int thread, long seq) {
        return "{\"source_code\":\"print(" + counter.incrementAndGet() + ")\"}";
      }

      @Override
      public Map<String, String> headers() {
        return headers;
      }
    };
  }

  /** GETs of one path. */
  static Target get(String path, Map<String, String> headers) {
    return new Target() {
      @Override
      public String method() {
        return "GET";
      }

      @Override
      public String path(int thread, long seq) {
        return path;
      }

      @Override
      public String body(int thread, long seq) {
        return null;
      }

      @Override
      public Map<String, String> headers() {
        return headers;
      }
    };
  }

  /** What one level reached. */
  public record Result(
      long requests, long errors, double seconds, Summary latencyMs, String firstError) {
    public double perSecond() {
      return seconds > 0 ? requests / seconds : Double.NaN;
    }
  }

  private HttpLoad() {}

  /** One java.net.http client for every level (its selector thread lives as long as it does). */
  private static final class SharedClient {
    static final HttpClient INSTANCE = LivecodeClient.newHttpClient();
  }

  /**
   * Runs the load.
   *
   * @param client {@code raw} (blocking sockets) or {@code jdk} (one shared java.net.http client)
   */
  public static Result run(
      String client, int port, Target target, int connections, Duration warmup, Duration measure)
      throws InterruptedException {
    HttpClient jdk = "jdk".equals(client) ? SharedClient.INSTANCE : null;
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>("");
    long[][] latencies = new long[connections][];
    int[] counts = new int[connections];
    CountDownLatch ready = new CountDownLatch(connections);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(connections);
    long[] window = new long[2];
    String hostHeader = HOST + ":" + port;
    for (int t = 0; t < connections; t++) {
      int thread = t;
      latencies[t] = new long[1024];
      Thread worker =
          new Thread(
              () -> {
                RawHttpConnection raw = jdk == null ? new RawHttpConnection(HOST, port) : null;
                try {
                  ready.countDown();
                  go.await();
                  long measureFrom = window[0];
                  long measureTo = window[1];
                  for (long seq = 0; ; seq++) {
                    long t0 = System.nanoTime();
                    if (t0 >= measureTo) {
                      break;
                    }
                    int status;
                    String why = "";
                    try {
                      String path = target.path(thread, seq);
                      String body = target.body(thread, seq);
                      if (raw != null) {
                        status =
                            raw.exchange(
                                RawHttpConnection.request(
                                    target.method(), path, hostHeader, body, target.headers()));
                      } else {
                        HttpRequest.Builder request =
                            HttpRequest.newBuilder(URI.create("http://" + hostHeader + path))
                                .timeout(Duration.ofSeconds(30));
                        target.headers().forEach(request::header);
                        if (body == null) {
                          request.method(target.method(), HttpRequest.BodyPublishers.noBody());
                        } else {
                          request
                              .header("Content-Type", "application/json")
                              .method(target.method(), HttpRequest.BodyPublishers.ofString(body));
                        }
                        status =
                            jdk.send(request.build(), HttpResponse.BodyHandlers.discarding())
                                .statusCode();
                      }
                    } catch (IOException e) {
                      status = -1;
                      why = e.toString();
                      if (raw != null) {
                        raw.close();
                      }
                      Thread.sleep(5); // no hot loop against a server that refuses
                    }
                    long t1 = System.nanoTime();
                    if (t1 < measureFrom || t1 > measureTo) {
                      continue;
                    }
                    if (status == 200) {
                      if (counts[thread] == latencies[thread].length) {
                        latencies[thread] = Arrays.copyOf(latencies[thread], counts[thread] * 2);
                      }
                      latencies[thread][counts[thread]++] = t1 - t0;
                    } else {
                      errors.incrementAndGet();
                      firstError.compareAndSet("", status < 0 ? why : "HTTP " + status);
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  if (raw != null) {
                    raw.close();
                  }
                  done.countDown();
                }
              },
              "livecode-bench-http-" + t);
      worker.setDaemon(true);
      worker.start();
    }
    ready.await();
    long now = System.nanoTime();
    window[0] = now + warmup.toNanos();
    window[1] = window[0] + measure.toNanos();
    go.countDown(); // happens-before: the threads read window after await()
    done.await();
    List<long[]> parts = new ArrayList<>();
    long total = 0;
    for (int t = 0; t < connections; t++) {
      parts.add(Arrays.copyOf(latencies[t], counts[t]));
      total += counts[t];
    }
    long[] all = new long[(int) total];
    int at = 0;
    for (long[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return new Result(
        total,
        errors.get(),
        measure.toNanos() / 1e9,
        Summary.ofNanosAsMillis(all, all.length),
        firstError.get());
  }
}
