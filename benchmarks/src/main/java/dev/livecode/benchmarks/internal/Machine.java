package dev.livecode.benchmarks.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where the figures come from: CPU, OS, kernel, JDK, load, commit. */
public final class Machine {
  private Machine() {}

  public static Map<String, Object> describe(Path repositoryRoot) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    m.put("cpu_model", firstMatching(Path.of("/proc/cpuinfo"), "model name"));
    m.put("memory", firstMatching(Path.of("/proc/meminfo"), "MemTotal"));
    m.put("os", osName());
    m.put("kernel", read(Path.of("/proc/sys/kernel/osrelease")));
    m.put(
        "jdk",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("load_average_at_start", loadAverage());
    m.put("git_commit", git(repositoryRoot));
    return m;
  }

  /** One line saying where and when the figures were measured, from the table's metadata. */
  @SuppressWarnings("unchecked")
  public static String summary(ResultTable table) {
    Map<String, Object> meta = table.metadata();
    Object machine = meta.get("machine");
    if (!(machine instanceof Map<?, ?>)) {
      return "";
    }
    Map<String, Object> m = (Map<String, Object>) machine;
    return "Measured "
        + meta.get("started_at")
        + " on "
        + m.get("cpus")
        + " CPUs ("
        + m.get("cpu_model")
        + "), "
        + m.get("os")
        + ", kernel "
        + m.get("kernel")
        + ", "
        + m.get("jdk")
        + ", commit "
        + m.get("git_commit")
        + "; load average at start "
        + m.get("load_average_at_start")
        + ", at end "
        + meta.get("load_average_at_end")
        + "; took "
        + meta.get("duration_s")
        + " s.";
  }

  public static String loadAverage() {
    return read(Path.of("/proc/loadavg"));
  }

  private static String osName() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) {
          return line.substring("PRETTY_NAME=".length()).replace("\"", "");
        }
      }
    } catch (IOException e) {
      // unknown
    }
    return System.getProperty("os.name");
  }

  private static String firstMatching(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key)) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // unknown
    }
    return "unknown";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String git(Path root) {
    try {
      Process p =
          new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "--short", "HEAD")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      }
      p.waitFor(10, TimeUnit.SECONDS);
      return out.isEmpty() ? "unknown" : out;
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
