package dev.livecode.benchmarks.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** The benchmark's command line, parsed and validated. */
public record Options(
    List<String> modes,
    List<String> sections,
    boolean quick,
    Path serverJar,
    Path out,
    Path logDir,
    int samples,
    int warmup,
    int runs,
    int backToBackRuns,
    int watchers,
    List<Integer> concurrency,
    List<Integer> connections,
    double httpSeconds,
    List<String> languages,
    List<String> tiers,
    String isolation,
    String loadClient,
    List<String> serverJvmArgs,
    List<String> serverArgs,
    List<String> coldArgs,
    Optional<Integer> workers,
    String mysqlUrl,
    String mysqlUser,
    String mysqlPassword,
    String redisUrl,
    boolean keepData) {

  /** The parts of a mode that {@code --sections} can pick. */
  public static final List<String> SECTIONS =
      List.of("latency", "throughput", "http", "live", "keys");

  /** What runs without {@code --sections}: {@code keys} is asked for by name. */
  static final List<String> DEFAULT_SECTIONS = List.of("latency", "throughput", "http", "live");

  public static final String USAGE =
      """
      usage: java -jar benchmarks/target/livecode-benchmarks.jar [options]

        --mode M            embedded (default) | redis-mysql | all (both, one after the other)
        --sections L        which parts to run in each mode: latency,throughput,http,live (default
                            all four; e.g. --sections http measures only the HTTP rounds); keys
                            (embedded mode, asked for by name) compares PATCH/s and GET/s with an
                            API key on every request against the same server without keys
        --quick             fewer samples and shorter HTTP rounds (whole run about 2 minutes)
        --server-jar P      the server jar (default: server/target/livecode-server.jar,
                            looked up from the current directory and its parents)
        --out P             where to write the JSON (default: benchmarks/target/results.json)
        --samples N         latency samples per language (default 200, quick 50)
        --runs N            runs per throughput level (default 500, quick 100)
        --back-to-back-runs N  runs of each back-to-back loop (default 200, quick too)
        --watchers N        SSE watchers on one run in the live section (default 1000)
        --concurrency L     throughput levels (default 2,8,32)
        --connections L     HTTP levels (default 1,32,256)
        --http-seconds S    measured seconds per HTTP level (default 3, quick 2)
        --languages L       default python,javascript,typescript
        --tiers L           isolation tiers compared for python print(1), one server each
                            (default none,unshare,bwrap; --tiers '' skips them)
        --isolation T       the main server's --isolation (default auto)
        --load-client C     HTTP load client: raw (default; blocking sockets, keep-alive, like wrk)
                            or jdk (java.net.http.HttpClient, one blocking send per thread)
        --workers N         passed to the server as --workers (default: the server's own default)
        --server-jvm-args S extra JVM options for the server, space-separated
        --server-args S     extra server flags, space-separated
        --cold-args S       flags of the cold-start server (default "--warm-pool 0"): its latency
                            section and the isolation tiers run with them; '' skips the cold section
        --mysql-url U       MySQL server for redis-mysql mode, without a database
                            (default jdbc:mysql://127.0.0.1:3306/); a fresh database is created
        --mysql-user U      default root
        --mysql-password P  default empty
        --redis-url U       default redis://127.0.0.1:6379 (a fresh key prefix is used)
        --keep-data         do not drop the benchmark's database and Redis keys afterwards
        --help
      """;

  public Options {
    modes = List.copyOf(modes);
    sections = List.copyOf(sections);
    concurrency = List.copyOf(concurrency);
    connections = List.copyOf(connections);
    languages = List.copyOf(languages);
    tiers = List.copyOf(tiers);
    serverJvmArgs = List.copyOf(serverJvmArgs);
    serverArgs = List.copyOf(serverArgs);
    coldArgs = List.copyOf(coldArgs);
    Objects.requireNonNull(serverJar, "serverJar");
    Objects.requireNonNull(out, "out");
    positive("samples", samples);
    positive("runs", runs);
    positive("back-to-back-runs", backToBackRuns);
    positive("watchers", watchers);
    if (backToBackRuns > 100_000 || watchers > 10_000) {
      throw new IllegalArgumentException(
          "--back-to-back-runs is at most 100000 and --watchers at most 10000");
    }
    concurrency.forEach(c -> positive("concurrency", c));
    connections.forEach(c -> positive("connections", c));
    if (!(httpSeconds > 0 && httpSeconds <= 60)) {
      throw new IllegalArgumentException(
          "--http-seconds must be within (0, 60], was " + httpSeconds);
    }
    if (samples > 10_000 || runs > 100_000) {
      throw new IllegalArgumentException("--samples is at most 10000 and --runs at most 100000");
    }
    for (String mode : modes) {
      if (!List.of("embedded", "redis-mysql").contains(mode)) {
        throw new IllegalArgumentException(
            "--mode must be embedded, redis-mysql or all, was " + mode);
      }
    }
    for (String section : sections) {
      if (!SECTIONS.contains(section)) {
        throw new IllegalArgumentException(
            "--sections must be a list of " + String.join(", ", SECTIONS) + ", was " + section);
      }
    }
    if (!List.of("raw", "jdk").contains(loadClient)) {
      throw new IllegalArgumentException("--load-client must be raw or jdk, was " + loadClient);
    }
  }

  /**
   * Parses the command line.
   *
   * @throws IllegalArgumentException naming the flag and the bad value
   */
  public static Options parse(String[] args) {
    List<String> modes = List.of("embedded");
    List<String> sections = DEFAULT_SECTIONS;
    boolean quick = Arrays.asList(args).contains("--quick");
    Path serverJar = null;
    Path out = null;
    Integer samples = null;
    Integer runs = null;
    int backToBackRuns = 200;
    int watchers = 1000;
    List<Integer> concurrency = List.of(2, 8, 32);
    List<Integer> connections = List.of(1, 32, 256);
    Double httpSeconds = null;
    List<String> languages = List.of("python", "javascript", "typescript");
    List<String> tiers = List.of("none", "unshare", "bwrap");
    String isolation = "auto";
    String loadClient = "raw";
    List<String> jvmArgs = List.of();
    List<String> serverArgs = List.of();
    List<String> coldArgs = List.of("--warm-pool", "0");
    Optional<Integer> workers = Optional.empty();
    String mysqlUrl = "jdbc:mysql://127.0.0.1:3306/";
    String mysqlUser = "root";
    String mysqlPassword = "";
    String redisUrl = "redis://127.0.0.1:6379";
    boolean keep = false;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      switch (flag) {
        case "--quick" -> {}
        case "--keep-data" -> keep = true;
        case "--help", "-h" -> throw new HelpRequested();
        default -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(
                "unknown flag or missing value: " + flag + "\n" + USAGE);
          }
          String v = args[++i];
          switch (flag) {
            case "--mode" ->
                modes =
                    v.equals("all")
                        ? List.of("embedded", "redis-mysql")
                        : List.of(v.toLowerCase(Locale.ROOT));
            case "--sections" -> sections = words(v);
            case "--server-jar" -> serverJar = Path.of(v);
            case "--out" -> out = Path.of(v);
            case "--samples" -> samples = integer(flag, v);
            case "--runs" -> runs = integer(flag, v);
            case "--back-to-back-runs" -> backToBackRuns = integer(flag, v);
            case "--watchers" -> watchers = integer(flag, v);
            case "--concurrency" -> concurrency = integers(flag, v);
            case "--connections" -> connections = integers(flag, v);
            case "--http-seconds" -> httpSeconds = number(flag, v);
            case "--languages" -> languages = words(v);
            case "--tiers" -> tiers = words(v);
            case "--isolation" -> isolation = v;
            case "--load-client" -> loadClient = v;
            case "--workers" -> workers = Optional.of(integer(flag, v));
            case "--server-jvm-args" -> jvmArgs = spaced(v);
            case "--server-args" -> serverArgs = spaced(v);
            case "--cold-args" -> coldArgs = spaced(v);
            case "--mysql-url" -> mysqlUrl = v;
            case "--mysql-user" -> mysqlUser = v;
            case "--mysql-password" -> mysqlPassword = v;
            case "--redis-url" -> redisUrl = v;
            default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + USAGE);
          }
        }
      }
    }
    Path root =
        findRepositoryRoot(Path.of("").toAbsolutePath()).orElse(Path.of("").toAbsolutePath());
    if (serverJar == null) {
      serverJar = root.resolve("server/target/livecode-server.jar");
    }
    if (out == null) {
      out = root.resolve("benchmarks/target/results.json");
    }
    return new Options(
        modes,
        sections,
        quick,
        serverJar,
        out,
        out.toAbsolutePath().getParent().resolve("bench-logs"),
        samples != null ? samples : quick ? 50 : 200,
        quick ? 5 : 10,
        runs != null ? runs : quick ? 100 : 500,
        backToBackRuns,
        watchers,
        concurrency,
        connections,
        httpSeconds != null ? httpSeconds : quick ? 2.0 : 3.0,
        languages,
        tiers,
        isolation,
        loadClient,
        jvmArgs,
        serverArgs,
        coldArgs,
        workers,
        mysqlUrl,
        mysqlUser,
        mysqlPassword,
        redisUrl,
        keep);
  }

  /** True when {@code --sections} asks for {@code section} (all of them by default). */
  public boolean includes(String section) {
    return sections.contains(section);
  }

  /**
   * The directory holding both {@code server} and {@code benchmarks}, from {@code start} upwards.
   */
  public static Optional<Path> findRepositoryRoot(Path start) {
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("server")) && Files.isDirectory(p.resolve("benchmarks"))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Thrown by {@link #parse} for {@code --help}. */
  public static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("help", null, false, false);
    }
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException("--" + name + " must be positive, was " + value);
    }
  }

  private static int integer(String flag, String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " expects an integer, was '" + v + "'", e);
    }
  }

  private static double number(String flag, String v) {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " expects a number, was '" + v + "'", e);
    }
  }

  private static List<Integer> integers(String flag, String v) {
    List<Integer> list = new ArrayList<>();
    for (String part : words(v)) {
      list.add(integer(flag, part));
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException(
          flag + " expects a comma-separated list of integers, was '" + v + "'");
    }
    return list;
  }

  private static List<String> words(String v) {
    List<String> list = new ArrayList<>();
    for (String part : v.split(",")) {
      if (!part.isBlank()) {
        list.add(part.trim().toLowerCase(Locale.ROOT));
      }
    }
    return list;
  }

  private static List<String> spaced(String v) {
    List<String> list = new ArrayList<>();
    for (String part : v.trim().split("\\s+")) {
      if (!part.isEmpty()) {
        list.add(part);
      }
    }
    return list;
  }
}
