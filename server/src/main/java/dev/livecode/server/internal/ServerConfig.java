package dev.livecode.server.internal;

import dev.livecode.core.Limits;
import dev.livecode.core.LivecodeBuilder;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.http.Authenticator;
import dev.livecode.http.LivecodeHttpServer;
import dev.livecode.sandbox.Isolation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's effective configuration, from flags and {@code LIVECODE_*} environment variables (a
 * flag wins). Every bad value is a {@link ConfigException} naming the flag.
 */
public record ServerConfig(
    int port,
    String host,
    Role role,
    int workers,
    Isolation isolation,
    Limits defaultLimits,
    Limits maxLimits,
    int maxSourceBytes,
    int maxStdinBytes,
    long maxWaitingRuns,
    int httpThreads,
    int maxConnections,
    Duration headerTimeout,
    Duration requestTimeout,
    int maxHeaderBytes,
    int maxEventStreams,
    Duration shutdownGrace,
    Optional<Path> workspaceRoot,
    Map<String, LanguageRunner.Settings> runnerSettings,
    StoreKind store,
    String mysqlUrl,
    String mysqlUser,
    String mysqlPassword,
    int mysqlPoolSize,
    QueueKind queue,
    String redisUrl,
    String redisPrefix,
    Duration redisLease,
    int maxAttempts,
    int warmPool,
    int readySandboxes,
    Switch forkServer,
    int sandboxUidFirst,
    int sandboxUidCount,
    long memoryStoreBudgetBytes,
    Optional<Path> apiKeysFile,
    boolean apiKeysStore,
    Authenticator.Quota defaultQuota,
    Switch playground) {

  /**
   * Warm interpreters per language the server keeps by default ({@code --warm-pool}): two, so a run
   * and the next both skip the interpreter's start while the pool refills; 0 turns it off.
   */
  public static final int DEFAULT_WARM_POOL = 2;

  /**
   * Ready sandboxes per language without warm interpreters ({@code --ready-sandboxes}): two, as for
   * the warm pool; 0 turns them off.
   */
  public static final int DEFAULT_READY_SANDBOXES = 2;

  /** What this process does. */
  public enum Role {
    ALL,
    API,
    WORKER
  }

  public enum StoreKind {
    MEMORY,
    MYSQL
  }

  public enum QueueKind {
    MEMORY,
    REDIS
  }

  /** A feature turned on or off ({@code --playground on|off}). */
  public enum Switch {
    ON,
    OFF
  }

  private static final long MIB = 1024L * 1024L;
  private static final Pattern LANG_FLAG =
      Pattern.compile("lang-([a-z0-9_+.]+)-(interpreter|args|env)");
  private static final Pattern LANG_ENV =
      Pattern.compile("LIVECODE_LANG_([A-Z0-9_+.]+?)_(INTERPRETER|ARGS|ENV)");

  /** Thrown for {@code --help}: the caller prints {@link Options#help()} and exits 0. */
  public static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("help", null, false, false);
    }
  }

  /**
   * Reads the flags, falling back to the environment, then to the defaults.
   *
   * @throws ConfigException for an unknown flag or a bad value
   * @throws HelpRequested for {@code --help}
   */
  public static ServerConfig parse(String[] args, Map<String, String> env) {
    Map<String, String> flags = new HashMap<>();
    Map<String, LangSettings> langs = new TreeMap<>();
    // Environment first, so that flags replace it.
    env.forEach(
        (key, value) -> {
          Matcher m = LANG_ENV.matcher(key);
          if (m.matches()) {
            String id = m.group(1).toLowerCase(Locale.ROOT);
            String what = m.group(2).toLowerCase(Locale.ROOT);
            if (what.equals("env")) {
              for (String pair : value.split(",")) {
                if (!pair.isBlank()) {
                  langs.computeIfAbsent(id, k -> new LangSettings()).env(key, pair.trim());
                }
              }
            } else {
              langs.computeIfAbsent(id, k -> new LangSettings()).set(what, value, key);
            }
          }
        });
    Map<String, List<String>> langEnvFromFlags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new HelpRequested();
      }
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new ConfigException("unexpected argument '" + arg + "'; flags look like --port 1409");
      }
      String name;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(2, eq);
        value = arg.substring(eq + 1);
      } else {
        name = arg.substring(2);
        if (i + 1 >= args.length) {
          throw new ConfigException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      Matcher m = LANG_FLAG.matcher(name);
      if (m.matches()) {
        String id = m.group(1);
        if (m.group(2).equals("env")) {
          langEnvFromFlags.computeIfAbsent(id, k -> new ArrayList<>()).add(value);
        } else {
          langs.computeIfAbsent(id, k -> new LangSettings()).set(m.group(2), value, "--" + name);
        }
        continue;
      }
      if (Options.find(name).isEmpty()) {
        throw new ConfigException("unknown flag --" + name + "; see --help");
      }
      flags.put(name, value);
    }
    langEnvFromFlags.forEach(
        (id, pairs) -> {
          LangSettings settings = langs.computeIfAbsent(id, k -> new LangSettings());
          settings.env.clear(); // flags replace the variable's list
          pairs.forEach(pair -> settings.env("--lang-" + id + "-env", pair));
        });
    return new Reader(flags, env).read(langs);
  }

  /**
   * What the chosen store's provider is made from: the {@code --mysql-*} flags, keyed without their
   * prefix, with the password read from its file. Empty for the in-memory store.
   */
  public Map<String, String> storeSettings() {
    return store == StoreKind.MEMORY
        ? Map.of()
        : Map.of(
            "url",
            mysqlUrl,
            "user",
            mysqlUser,
            "password",
            mysqlPassword,
            "pool-size",
            Integer.toString(mysqlPoolSize));
  }

  /**
   * What the chosen queue's provider is made from: the {@code --redis-*} flags, keyed without their
   * prefix.
   */
  public Map<String, String> queueSettings() {
    return queue == QueueKind.MEMORY
        ? Map.of()
        : Map.of(
            "url",
            redisUrl,
            "prefix",
            redisPrefix,
            "lease-ms",
            Long.toString(redisLease.toMillis()));
  }

  /** The configuration as {@code key=value} pairs for the start-up log line, secrets masked. */
  public String describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("port", port);
    out.put("host", host);
    out.put("role", role.name().toLowerCase(Locale.ROOT));
    out.put("workers", workers);
    out.put("isolation", isolation.name().toLowerCase(Locale.ROOT));
    out.put("wall_time_ms", defaultLimits.wallTime().toMillis());
    out.put("cpu_time_ms", defaultLimits.cpuTime().toMillis());
    out.put("memory_mb", defaultLimits.memoryBytes() / MIB);
    out.put("max_processes", defaultLimits.maxProcesses());
    out.put("max_file_bytes", defaultLimits.maxFileBytes());
    out.put("max_output_bytes", defaultLimits.maxOutputBytes());
    out.put(
        "caps",
        "wall_time_ms:"
            + maxLimits.wallTime().toMillis()
            + ",cpu_time_ms:"
            + maxLimits.cpuTime().toMillis()
            + ",memory_mb:"
            + maxLimits.memoryBytes() / MIB
            + ",max_processes:"
            + maxLimits.maxProcesses()
            + ",max_file_bytes:"
            + maxLimits.maxFileBytes()
            + ",max_output_bytes:"
            + maxLimits.maxOutputBytes());
    out.put("max_source_bytes", maxSourceBytes);
    out.put("max_stdin_bytes", maxStdinBytes);
    out.put("max_waiting_runs", maxWaitingRuns);
    out.put("http_threads", httpThreads);
    out.put("max_connections", maxConnections);
    out.put("header_timeout_ms", headerTimeout.toMillis());
    out.put("request_timeout_ms", requestTimeout.toMillis());
    out.put("max_header_bytes", maxHeaderBytes);
    out.put("max_event_streams", maxEventStreams);
    out.put("shutdown_grace_ms", shutdownGrace.toMillis());
    out.put("max_attempts", maxAttempts);
    out.put("warm_pool", warmPool);
    out.put("ready_sandboxes", readySandboxes);
    out.put("fork_server", forkServer.name().toLowerCase(Locale.ROOT));
    out.put("sandbox_uids", sandboxUidFirst + "-" + ((long) sandboxUidFirst + sandboxUidCount - 1));
    runnerSettings.forEach(
        (id, s) ->
            out.put(
                "lang_" + id,
                s.interpreter().map(Path::toString).orElse("default")
                    + (s.extraArgs().isEmpty() ? "" : " args=" + s.extraArgs())
                    + (s.extraEnv().isEmpty()
                        ? ""
                        : " env_keys=" + new TreeMap<>(s.extraEnv()).keySet())));
    out.put(
        "api_keys_file",
        apiKeysFile.map(Path::toString).orElse(apiKeysStore ? "(none)" : "(none: open)"));
    out.put("api_keys_store", apiKeysStore);
    out.put("quota_concurrent_runs", describe(defaultQuota.concurrentRuns()));
    out.put("quota_runs_per_minute", describe(defaultQuota.runsPerMinute()));
    out.put("quota_sessions_per_minute", describe(defaultQuota.sessionsPerMinute()));
    out.put("quota_event_streams", describe(defaultQuota.eventStreams()));
    out.put("playground", playground.name().toLowerCase(Locale.ROOT));
    out.put("store", store.name().toLowerCase(Locale.ROOT));
    if (store == StoreKind.MEMORY) {
      out.put("memory_store_budget_mb", memoryStoreBudgetBytes / MIB);
    }
    if (store == StoreKind.MYSQL) {
      out.put("mysql_url", Secrets.maskUrl(mysqlUrl));
      out.put("mysql_user", mysqlUser);
      out.put("mysql_password", mysqlPassword.isEmpty() ? "(none)" : "****");
      out.put("mysql_pool_size", mysqlPoolSize);
    }
    out.put("queue", queue.name().toLowerCase(Locale.ROOT));
    if (queue == QueueKind.REDIS) {
      out.put("redis_url", Secrets.maskUrl(redisUrl));
      out.put("redis_prefix", redisPrefix);
      out.put("redis_lease_ms", redisLease.toMillis());
    }
    StringBuilder text = new StringBuilder();
    out.forEach(
        (k, v) -> text.append(text.length() == 0 ? "" : " ").append(k).append('=').append(v));
    return text.toString();
  }

  private static String describe(OptionalInt limit) {
    return limit.isPresent() ? Integer.toString(limit.getAsInt()) : "none";
  }

  /** Per-language settings as they are read. */
  private static final class LangSettings {
    private String interpreter;
    private String args;
    private final Map<String, String> env = new LinkedHashMap<>();

    void set(String what, String value, String source) {
      if (what.equals("interpreter")) {
        if (value.isBlank()) {
          throw new ConfigException(source + " must be a path, was empty");
        }
        interpreter = value;
      } else {
        args = value;
      }
    }

    void env(String source, String pair) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(source + " takes KEY=VALUE, was '" + pair + "'");
      }
      env.put(pair.substring(0, eq), pair.substring(eq + 1));
    }

    LanguageRunner.Settings toSettings(LanguageRunner.Settings base) {
      LanguageRunner.Settings settings = base;
      if (interpreter != null) {
        settings = settings.withInterpreter(Path.of(interpreter));
      }
      if (args != null) {
        settings =
            settings.withExtraArgs(
                args.isBlank() ? List.of() : Arrays.asList(args.trim().split("\\s+")));
      }
      if (!env.isEmpty()) {
        Map<String, String> merged = new LinkedHashMap<>(settings.extraEnv());
        merged.putAll(env);
        settings = settings.withExtraEnv(merged);
      }
      return settings;
    }
  }

  /** Typed reads of flags, falling back to environment variables. */
  private static final class Reader {
    private final Map<String, String> flags;
    private final Map<String, String> env;

    Reader(Map<String, String> flags, Map<String, String> env) {
      this.flags = flags;
      this.env = env;
    }

    ServerConfig read(Map<String, LangSettings> langs) {
      int port = (int) number("port", 1409, 0, 65535);
      Role role = choice("role", Role.class, Role.ALL);
      int workers = (int) number("workers", LivecodeBuilder.DEFAULT_WORKERS, 0, 1024);
      Isolation isolation = choice("isolation", Isolation.class, Isolation.AUTO);
      Limits d = Limits.DEFAULTS;
      Limits c = Limits.DEFAULT_CAPS;
      Limits caps =
          new Limits(
              Duration.ofMillis(
                  number("max-wall-time-ms", c.wallTime().toMillis(), 1, Long.MAX_VALUE)),
              Duration.ofMillis(
                  number("max-cpu-time-ms", c.cpuTime().toMillis(), 1, Long.MAX_VALUE)),
              number("max-memory-mb", c.memoryBytes() / MIB, 1, 1L << 30) * MIB,
              (int) number("cap-max-processes", c.maxProcesses(), 1, 1_000_000),
              number("cap-max-file-bytes", c.maxFileBytes(), 1, Long.MAX_VALUE),
              number("cap-max-output-bytes", c.maxOutputBytes(), 1, Integer.MAX_VALUE));
      Limits defaults =
          new Limits(
              Duration.ofMillis(number("wall-time-ms", d.wallTime().toMillis(), 1, Long.MAX_VALUE)),
              Duration.ofMillis(number("cpu-time-ms", d.cpuTime().toMillis(), 1, Long.MAX_VALUE)),
              number("memory-mb", d.memoryBytes() / MIB, 1, 1L << 30) * MIB,
              (int) number("max-processes", d.maxProcesses(), 1, 1_000_000),
              number("max-file-bytes", d.maxFileBytes(), 1, Long.MAX_VALUE),
              number("max-output-bytes", d.maxOutputBytes(), 1, Integer.MAX_VALUE));
      atMost(
          "wall-time-ms",
          defaults.wallTime().toMillis(),
          "max-wall-time-ms",
          caps.wallTime().toMillis());
      atMost(
          "cpu-time-ms",
          defaults.cpuTime().toMillis(),
          "max-cpu-time-ms",
          caps.cpuTime().toMillis());
      atMost("memory-mb", defaults.memoryBytes() / MIB, "max-memory-mb", caps.memoryBytes() / MIB);
      atMost("max-processes", defaults.maxProcesses(), "cap-max-processes", caps.maxProcesses());
      atMost("max-file-bytes", defaults.maxFileBytes(), "cap-max-file-bytes", caps.maxFileBytes());
      atMost(
          "max-output-bytes",
          defaults.maxOutputBytes(),
          "cap-max-output-bytes",
          caps.maxOutputBytes());

      Map<String, LanguageRunner.Settings> runners = new TreeMap<>();
      value("python")
          .ifPresent(
              p ->
                  runners.put(
                      "python",
                      LanguageRunner.Settings.DEFAULTS.withInterpreter(path("python", p))));
      value("node")
          .ifPresent(
              p -> {
                runners.put(
                    "javascript",
                    LanguageRunner.Settings.DEFAULTS.withInterpreter(path("node", p)));
                runners.put(
                    "typescript",
                    LanguageRunner.Settings.DEFAULTS.withInterpreter(path("node", p)));
              });
      langs.forEach(
          (id, s) ->
              runners.put(
                  id, s.toSettings(runners.getOrDefault(id, LanguageRunner.Settings.DEFAULTS))));

      StoreKind store = choice("store", StoreKind.class, StoreKind.MEMORY);
      QueueKind queue = choice("queue", QueueKind.class, QueueKind.MEMORY);
      String mysqlUrl = value("mysql-url").orElse("");
      if (store == StoreKind.MYSQL && mysqlUrl.isBlank()) {
        throw new ConfigException(
            "--store mysql needs --mysql-url (or LIVECODE_MYSQL_URL), e.g. jdbc:mysql://127.0.0.1:3306/livecode");
      }
      if (!mysqlUrl.isBlank() && !mysqlUrl.startsWith("jdbc:mysql:")) {
        throw new ConfigException(
            "--mysql-url must start with jdbc:mysql://, was '" + Secrets.maskUrl(mysqlUrl) + "'");
      }
      String password = value("mysql-password").orElse("");
      Optional<String> passwordFile = value("mysql-password-file");
      if (passwordFile.isPresent()) {
        if (flags.containsKey("mysql-password") && flags.containsKey("mysql-password-file")) {
          throw new ConfigException(
              "give either --mysql-password or --mysql-password-file, not both");
        }
        // A flag wins over a variable; between a password and a file of the same kind, the file
        // wins.
        if (!flags.containsKey("mysql-password") || flags.containsKey("mysql-password-file")) {
          password = readFirstLine(passwordFile.get());
        }
      }
      String redisUrl = value("redis-url").orElse("redis://127.0.0.1:6379");
      if (!redisUrl.startsWith("redis://") && !redisUrl.startsWith("rediss://")) {
        throw new ConfigException(
            "--redis-url must start with redis:// or rediss://, was '"
                + Secrets.maskUrl(redisUrl)
                + "'");
      }
      long memoryStoreBudgetMb =
          number(
              "memory-store-budget-mb",
              LivecodeBuilder.DEFAULT_MEMORY_STORE_BUDGET_BYTES / MIB,
              1,
              1L << 20);
      if (store != StoreKind.MEMORY && value("memory-store-budget-mb").isPresent()) {
        throw new ConfigException(
            source("memory-store-budget-mb")
                + " applies to --store memory only; a MySQL store"
                + " keeps every execution on disk");
      }
      if (role != Role.ALL && queue == QueueKind.MEMORY) {
        throw new ConfigException(
            "--role "
                + role.name().toLowerCase(Locale.ROOT)
                + " shares work with other processes and needs --queue redis (and --store mysql)");
      }
      Optional<Path> apiKeysFile = value("api-keys-file").map(p -> path("api-keys-file", p));
      boolean apiKeysStore = bool("api-keys-store", false);
      if (apiKeysStore && store == StoreKind.MEMORY) {
        throw new ConfigException(
            source("api-keys-store")
                + " needs --store mysql: the memory store keeps no keys; use --api-keys-file");
      }
      boolean keyed = apiKeysFile.isPresent() || apiKeysStore;
      return new ServerConfig(
          port,
          // Open (no keys): only this machine, unless the operator says otherwise.
          value("host").orElse(keyed ? "0.0.0.0" : "127.0.0.1"),
          role,
          workers,
          isolation,
          defaults,
          caps,
          (int) number("max-source-bytes", LivecodeBuilder.DEFAULT_MAX_SOURCE_BYTES, 1, 64 * MIB),
          (int) number("max-stdin-bytes", LivecodeBuilder.DEFAULT_MAX_STDIN_BYTES, 1, 64 * MIB),
          number("max-waiting-runs", LivecodeBuilder.DEFAULT_MAX_WAITING_RUNS, 1, Long.MAX_VALUE),
          (int) number("http-threads", LivecodeHttpServer.DEFAULT_THREADS, 1, 4096),
          (int) number("max-connections", LivecodeHttpServer.DEFAULT_MAX_CONNECTIONS, 1, 65_536),
          Duration.ofMillis(
              number(
                  "header-timeout-ms",
                  LivecodeHttpServer.DEFAULT_HEADER_TIMEOUT.toMillis(),
                  100,
                  3_600_000)),
          Duration.ofMillis(
              number(
                  "request-timeout-ms",
                  LivecodeHttpServer.DEFAULT_REQUEST_TIMEOUT.toMillis(),
                  100,
                  3_600_000)),
          (int)
              number(
                  "max-header-bytes",
                  LivecodeHttpServer.DEFAULT_MAX_HEADER_BYTES,
                  1024,
                  1024 * 1024),
          (int)
              number("max-event-streams", LivecodeHttpServer.DEFAULT_MAX_EVENT_STREAMS, 1, 65_536),
          Duration.ofMillis(
              number(
                  "shutdown-grace-ms",
                  LivecodeBuilder.DEFAULT_SHUTDOWN_GRACE.toMillis(),
                  0,
                  3_600_000)),
          value("workspace-root").map(p -> path("workspace-root", p)),
          runners,
          store,
          mysqlUrl,
          value("mysql-user").orElse("root"),
          password,
          (int) number("mysql-pool-size", 10, 1, 1000),
          queue,
          redisUrl,
          value("redis-prefix").orElse("livecode"),
          Duration.ofMillis(number("redis-lease-ms", 30_000, 100, 3_600_000)),
          (int) number("max-attempts", LivecodeBuilder.DEFAULT_MAX_ATTEMPTS, 1, 100),
          (int) number("warm-pool", DEFAULT_WARM_POOL, 0, 64),
          (int) number("ready-sandboxes", DEFAULT_READY_SANDBOXES, 0, 64),
          choice("fork-server", Switch.class, Switch.ON),
          (int)
              number(
                  "sandbox-uid-first",
                  LivecodeBuilder.DEFAULT_FIRST_SANDBOX_UID,
                  1000,
                  Integer.MAX_VALUE - 1),
          (int)
              number("sandbox-uid-count", LivecodeBuilder.DEFAULT_SANDBOX_UID_COUNT, 1, 1_000_000),
          memoryStoreBudgetMb * MIB,
          apiKeysFile,
          apiKeysStore,
          new Authenticator.Quota(
              optionalCount("quota-concurrent-runs"),
              optionalCount("quota-runs-per-minute"),
              optionalCount("quota-sessions-per-minute"),
              optionalCount("quota-event-streams")),
          choice("playground", Switch.class, Switch.ON));
    }

    private Optional<String> value(String name) {
      String flag = flags.get(name);
      if (flag != null) {
        return Optional.of(flag);
      }
      String fromEnv = env.get(Options.find(name).orElseThrow().env());
      return fromEnv == null || fromEnv.isEmpty() ? Optional.empty() : Optional.of(fromEnv);
    }

    private String source(String name) {
      return flags.containsKey(name) ? "--" + name : Options.find(name).orElseThrow().env();
    }

    private long number(String name, long fallback, long min, long max) {
      Optional<String> raw = value(name);
      if (raw.isEmpty()) {
        return fallback;
      }
      try {
        long parsed = Long.parseLong(raw.get().trim().replace("_", ""));
        if (parsed < min || parsed > max) {
          throw new ConfigException(
              source(name) + " must be " + min + " to " + max + ", was " + parsed);
        }
        return parsed;
      } catch (NumberFormatException e) {
        throw new ConfigException(source(name) + " must be an integer, was '" + raw.get() + "'");
      }
    }

    private boolean bool(String name, boolean fallback) {
      Optional<String> raw = value(name);
      if (raw.isEmpty()) {
        return fallback;
      }
      return switch (raw.get().trim().toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default ->
            throw new ConfigException(
                source(name) + " must be true or false, was '" + raw.get() + "'");
      };
    }

    private OptionalInt optionalCount(String name) {
      return value(name).isEmpty()
          ? OptionalInt.empty()
          : OptionalInt.of((int) number(name, 0, 1, Integer.MAX_VALUE));
    }

    private <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
      Optional<String> raw = value(name);
      if (raw.isEmpty()) {
        return fallback;
      }
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equalsIgnoreCase(raw.get().trim())) {
          return constant;
        }
      }
      List<String> accepted =
          Arrays.stream(type.getEnumConstants())
              .map(e -> e.name().toLowerCase(Locale.ROOT))
              .toList();
      throw new ConfigException(
          source(name)
              + " must be one of "
              + String.join("|", accepted)
              + ", was '"
              + raw.get()
              + "'");
    }

    private Path path(String name, String raw) {
      try {
        return Path.of(raw);
      } catch (RuntimeException e) {
        throw new ConfigException(source(name) + " is not a path: '" + raw + "'");
      }
    }

    private void atMost(String name, long value, String capName, long cap) {
      if (value > cap) {
        throw new ConfigException(
            source(name)
                + " "
                + value
                + " is above the cap "
                + source(capName)
                + " "
                + cap
                + "; raise the cap too");
      }
    }

    private String readFirstLine(String file) {
      try {
        List<String> lines = Files.readAllLines(Path.of(file));
        return lines.isEmpty() ? "" : lines.get(0).strip();
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(
            source("mysql-password-file")
                + ": cannot read '"
                + file
                + "': "
                + e.getClass().getSimpleName());
      }
    }
  }
}
