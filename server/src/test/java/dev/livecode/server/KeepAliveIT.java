package dev.livecode.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.http.testing.RawConnection;
import dev.livecode.http.testing.RawConnection.Answer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Autosave load on hundreds of keep-alive connections, against the server jar on loopback: the
 * server must close none of them while its client still uses it.
 */
class KeepAliveIT {
  private static final int CONNECTIONS = 256;
  private static final int PATCHES_PER_CONNECTION = 60;

  /**
   * Clients pause up to this between autosaves, as typing does: most connections are idle at once.
   */
  private static final int MAX_PAUSE_MS = 20;

  private static final Duration LOAD_LIMIT = Duration.ofSeconds(40);
  private static ServerProcess server;

  @BeforeAll
  static void start() throws Exception {
    server =
        ServerProcess.start(
            List.of(), List.of("--workers", "1", "--warm-pool", "0", "--ready-sandboxes", "0"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void closesNoneOf256KeepAliveConnectionsUnderPatchLoad() throws Exception {
    String session = server.client().createSession("python", "print(0)");
    long deadline = System.nanoTime() + LOAD_LIMIT.toNanos();
    AtomicInteger answered = new AtomicInteger();
    ConcurrentLinkedQueue<String> closedInUse = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Integer> otherStatuses = new ConcurrentLinkedQueue<>();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < CONNECTIONS; c++) {
      Thread client =
          new Thread(
              () -> {
                try (RawConnection connection = RawConnection.open(server.port)) {
                  for (int i = 0; i < PATCHES_PER_CONNECTION && System.nanoTime() < deadline; i++) {
                    Answer answer;
                    try {
                      answer =
                          connection
                              .send(
                                  RawConnection.request(
                                      "PATCH",
                                      "/code-sessions/" + session,
                                      "{\"source_code\":\"print(" + i + ")\"}"))
                              .read();
                    } catch (IOException e) {
                      closedInUse.add(e.toString());
                      return;
                    }
                    answered.incrementAndGet();
                    if (answer.status() != 200 || answer.closes()) {
                      otherStatuses.add(answer.status());
                      return;
                    }
                    Thread.sleep(ThreadLocalRandom.current().nextInt(MAX_PAUSE_MS + 1));
                  }
                } catch (IOException e) {
                  closedInUse.add("connect: " + e);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "livecode-test-autosave-" + c);
      client.setDaemon(true);
      clients.add(client);
    }
    clients.forEach(Thread::start);
    for (Thread client : clients) {
      client.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000 + 5_000));
    }

    assertThat(closedInUse).as("connections closed by the server while in use").isEmpty();
    assertThat(otherStatuses).as("answers other than 200 keep-alive").isEmpty();
    assertThat(answered.get()).isEqualTo(CONNECTIONS * PATCHES_PER_CONNECTION);
  }
}
