package dev.livecode.http.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One scrape of {@code GET /metrics}, read as the samples of the Prometheus text format. */
public record PrometheusText(String text, List<Sample> samples) {
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public record Sample(String name, Map<String, String> labels, double value) {}

  /** Scrapes the server on {@code port}; the answer must be 200 in the Prometheus text format. */
  public static PrometheusText scrape(int port) {
    HttpResponse<String> response = get(port, "/metrics");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    return parse(response.body());
  }

  public static HttpResponse<String> get(int port, String path) {
    try {
      return CLIENT.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(30))
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      assertThat(sample.matches()).as("a sample line: %s", line).isTrue();
      Map<String, String> labels = new HashMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(
          new Sample(sample.group(1), Map.copyOf(labels), Double.parseDouble(sample.group(3))));
    }
    return new PrometheusText(text, List.copyOf(samples));
  }

  /** The names of every sample. */
  public Set<String> names() {
    return samples.stream().map(Sample::name).collect(Collectors.toSet());
  }

  /** The samples named {@code name}. */
  public List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /**
   * The value of the sample with this name and these labels (others may be present); 0 when there
   * is none.
   */
  public double value(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value)
        .sum();
  }

  /**
   * Polls {@code value} until it reaches {@code target}, against a deadline; returns what it last
   * read.
   */
  public static double awaitAtLeast(double target, DoubleSupplier value) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    double seen = value.getAsDouble();
    while (seen < target && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      seen = value.getAsDouble();
    }
    return seen;
  }
}
