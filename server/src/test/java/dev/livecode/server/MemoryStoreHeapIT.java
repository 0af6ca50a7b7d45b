package dev.livecode.server;

import static dev.livecode.http.testing.HttpClientSupport.object;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.RawConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The server on its in-memory store, with the default budget (256 MiB), keeps its heap bounded
 * however much output its runs make: what jcmd reports in use after a full GC, in a server JVM of
 * its own. G1 is pinned, and its region size follows from -Xmx (1 MiB at 2 GiB): a 16 MiB string
 * takes whole regions, so the region size decides how much more than its text it costs.
 */
class MemoryStoreHeapIT {
  private static final long MIB = 1024L * 1024L;
  private static final int RUNS = 48;
  private static final long OUTPUT_BYTES = 16 * MIB;
  private static final String PROGRAM = "import sys; sys.stdout.write('x' * " + OUTPUT_BYTES + ")";
  private static final Pattern USED =
      Pattern.compile("garbage-first heap\\s+total \\d+K, used (\\d+)K");

  @Test
  void keepsTheHeapUnder400MibAboveIdleAfter48RunsOf16MibOutput() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            List.of("-Xmx2g", "-XX:+UseG1GC"),
            List.of(),
            List.of(
                "--workers",
                "2",
                "--warm-pool",
                "0",
                "--ready-sandboxes",
                "0",
                "--cap-max-output-bytes",
                Long.toString(OUTPUT_BYTES)))) {
      HttpClientSupport http = server.client();
      long idle = heapInUseAfterGc(server.pid());

      for (int i = 0; i < RUNS; i++) {
        String session = http.createSession("python", PROGRAM);
        JsonNode done =
            http.awaitEnd(
                http.run(session, object("limits", object("max_output_bytes", OUTPUT_BYTES))));
        assertThat(done.get("stdout").asText().length())
            .as("run %d kept its whole output", i)
            .isEqualTo(OUTPUT_BYTES);
      }
      long after = heapInUseAfterGc(server.pid());

      System.out.printf(
          "memory store heap: idle %d MiB, after %d runs of %d MiB output %d MiB (+%d MiB)%n",
          idle / MIB, RUNS, OUTPUT_BYTES / MIB, after / MIB, (after - idle) / MIB);
      assertThat(after - idle).isLessThan(400 * MIB);
    }
  }

  /**
   * Idle keep-alive connections that each read a large result keep no copy of it: the server writes
   * responses in slices, so the JDK's per-connection write buffer stays small.
   */
  @Test
  void idleKeepAliveConnectionsKeepNoCopyOfALargeResult() throws Exception {
    int connections = 8;
    try (ServerProcess server =
        ServerProcess.start(
            List.of("-Xmx2g", "-XX:+UseG1GC"),
            List.of(),
            List.of(
                "--workers",
                "2",
                "--warm-pool",
                "0",
                "--ready-sandboxes",
                "0",
                "--cap-max-output-bytes",
                Long.toString(OUTPUT_BYTES)))) {
      HttpClientSupport http = server.client();
      String session = http.createSession("python", PROGRAM);
      String execution =
          http.run(session, object("limits", object("max_output_bytes", OUTPUT_BYTES)));
      http.awaitEnd(execution);
      long before = heapInUseAfterGc(server.pid());
      List<RawConnection> open = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < connections; i++) {
          RawConnection connection =
              RawConnection.open(server.port, java.time.Duration.ofSeconds(30));
          open.add(connection);
          RawConnection.Answer answer =
              connection
                  .send(RawConnection.request("GET", "/executions/" + execution, null))
                  .read();
          assertThat(answer.status()).isEqualTo(200);
          assertThat(answer.closes()).as("the connection stays open").isFalse();
        }
        long after = heapInUseAfterGc(server.pid());
        System.out.printf(
            "keep-alive heap: %d idle connections that read %d MiB each: +%d MiB%n",
            connections, OUTPUT_BYTES / MIB, (after - before) / MIB);
        // A 16 MiB body in one write pins ~32 MiB per connection (256 MiB for 8); slices pin ~16
        // KiB.
        assertThat(after - before).isLessThan(64 * MIB);
      } finally {
        open.forEach(RawConnection::close);
      }
    }
  }

  /** The server's heap in use after two full collections, as jcmd reads it. */
  private static long heapInUseAfterGc(long pid) throws Exception {
    jcmd(pid, "GC.run");
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher used = USED.matcher(info);
    assertThat(used.find()).as("jcmd GC.heap_info:%n%s", info).isTrue();
    return Long.parseLong(used.group(1)) * 1024;
  }

  private static String jcmd(long pid, String command) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("jcmd %s ended", command).isTrue();
    assertThat(process.exitValue()).as("jcmd %s: %s", command, output).isZero();
    return output;
  }
}
