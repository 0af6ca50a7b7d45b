package dev.livecode.server.internal;

import dev.livecode.core.Limits;
import dev.livecode.core.LivecodeBuilder;
import dev.livecode.http.LivecodeHttpServer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Every flag of the server, with its environment variable, meaning, unit and default. */
public final class Options {
  private Options() {}

  /** How often an operator needs a setting; the help and the README group by it. */
  public enum Group {
    ESSENTIAL,
    COMMON,
    RARE
  }

  /**
   * One flag.
   *
   * @param name the flag without {@code --}
   * @param meaning what it sets
   * @param unit its unit or accepted values
   * @param defaultValue the default, as text ("" for none)
   * @param secret masked in logs
   */
  public record Option(
      String name, Group group, String meaning, String unit, String defaultValue, boolean secret) {
    /** {@code LIVECODE_} and the name in upper case with underscores. */
    public String env() {
      return "LIVECODE_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
  }

  private static final long MIB = 1024L * 1024L;
  private static final Limits D = Limits.DEFAULTS;
  private static final Limits C = Limits.DEFAULT_CAPS;

  public static final List<Option> ALL =
      List.of(
          opt(
              "port",
              Group.ESSENTIAL,
              "TCP port of the HTTP API (and of /health, the probes and /metrics on a worker)",
              "port",
              "1409"),
          opt(
              "role",
              Group.ESSENTIAL,
              "all: API and workers; api: takes requests, runs nothing; worker: runs jobs, serves only /health, /health/live, /health/ready and /metrics",
              "all|api|worker",
              "all"),
          opt(
              "workers",
              Group.ESSENTIAL,
              "programs run at once by this process",
              "threads",
              "cores (" + LivecodeBuilder.DEFAULT_WORKERS + ")"),
          opt(
              "store",
              Group.ESSENTIAL,
              "where sessions and executions live",
              "memory|mysql",
              "memory"),
          opt(
              "mysql-url",
              Group.ESSENTIAL,
              "JDBC URL of the MySQL/MariaDB database (with --store mysql)",
              "jdbc:mysql://host:port/db",
              ""),
          opt("mysql-user", Group.ESSENTIAL, "database user", "name", "root"),
          new Option(
              "mysql-password",
              Group.ESSENTIAL,
              "database password (prefer --mysql-password-file)",
              "text",
              "",
              true),
          opt(
              "api-keys-file",
              Group.ESSENTIAL,
              "file of API keys, one a line: <tenant> <key> [options] (concurrent_runs=N runs_per_minute=N event_streams=N admin=true, caps max_wall_time_ms=N max_cpu_time_ms=N max_memory_mb=N cap_max_processes=N cap_max_file_bytes=N cap_max_output_bytes=N); read again within a second of a change; without it the server is open (every client is the tenant anonymous)",
              "path",
              ""),
          opt(
              "api-keys-store",
              Group.ESSENTIAL,
              "also take the keys kept in the store (with --store mysql; made with `keys create`, a revoked one stops working on every node within a second); with it and no --api-keys-file the server still needs keys",
              "true|false",
              "false"),
          opt("queue", Group.ESSENTIAL, "where runs wait for a worker", "memory|redis", "memory"),
          new Option(
              "redis-url",
              Group.ESSENTIAL,
              "Redis URI (with --queue redis); password and TLS go in the URI",
              "redis[s]://[:password@]host:port[/db]",
              "redis://127.0.0.1:6379",
              true),
          opt(
              "warm-pool",
              Group.COMMON,
              "interpreters kept started per language, each waiting in the sandbox for one run with the default limits; runs back to back grow it up to 4 times this (at most 16); 0: every run starts cold",
              "count",
              Integer.toString(ServerConfig.DEFAULT_WARM_POOL)),
          opt(
              "ready-sandboxes",
              Group.COMMON,
              "sandboxes made ahead per language without warm interpreters (or all with --warm-pool 0), each waiting for one run with the default limits, which starts its interpreter there; 0: cold runs make their own",
              "count",
              Integer.toString(ServerConfig.DEFAULT_READY_SANDBOXES)),
          opt(
              "fork-server",
              Group.COMMON,
              "fork python's warm interpreters from one started interpreter, each confined as a cold run is before it reads its program (bwrap with the server as root; elsewhere each starts in the sandbox); off: each starts in the sandbox",
              "on|off",
              "on"),
          opt(
              "isolation",
              Group.COMMON,
              "sandbox tier; auto picks the strongest this host offers",
              "auto|bwrap|unshare|none",
              "auto"),
          opt(
              "wall-time-ms",
              Group.COMMON,
              "default wall-clock limit of a run",
              "ms",
              Long.toString(D.wallTime().toMillis())),
          opt(
              "cpu-time-ms",
              Group.COMMON,
              "default CPU-time limit of a run",
              "ms",
              Long.toString(D.cpuTime().toMillis())),
          opt(
              "memory-mb",
              Group.COMMON,
              "default memory limit of a run",
              "MiB",
              Long.toString(D.memoryBytes() / MIB)),
          opt(
              "max-processes",
              Group.COMMON,
              "default limit of processes and threads of a run",
              "count",
              Integer.toString(D.maxProcesses())),
          opt(
              "max-file-bytes",
              Group.COMMON,
              "default limit of the size of one file a run writes",
              "bytes",
              Long.toString(D.maxFileBytes())),
          opt(
              "max-output-bytes",
              Group.COMMON,
              "default bytes kept of stdout and of stderr; the rest is cut and flagged",
              "bytes",
              Long.toString(D.maxOutputBytes())),
          opt(
              "python",
              Group.COMMON,
              "Python interpreter (same as --lang-python-interpreter)",
              "path",
              "python3 on PATH, resolved once"),
          opt("node", Group.COMMON, "node for JavaScript and TypeScript", "path", "node on PATH"),
          opt(
              "mysql-password-file",
              Group.COMMON,
              "file whose first line is the database password",
              "path",
              ""),
          opt(
              "mysql-pool-size",
              Group.COMMON,
              "database connections of this process",
              "count",
              "10"),
          opt(
              "redis-prefix",
              Group.COMMON,
              "prefix of every Redis key, so several deployments can share one Redis",
              "text",
              "livecode"),
          opt(
              "max-waiting-runs",
              Group.COMMON,
              "runs waiting in the queue beyond which run requests get 503 + Retry-After",
              "count",
              Long.toString(LivecodeBuilder.DEFAULT_MAX_WAITING_RUNS)),
          opt(
              "memory-store-budget-mb",
              Group.COMMON,
              "what the in-memory store may hold of sessions and executions (their source, stdin and output); past it, the executions that finished first are evicted (410), and when live sessions and unfinished runs fill it, creating more gets 503 + Retry-After",
              "MiB",
              Long.toString(LivecodeBuilder.DEFAULT_MEMORY_STORE_BUDGET_BYTES / MIB)),
          opt(
              "quota-concurrent-runs",
              Group.COMMON,
              "runs a tenant may have queued or running at once (429 beyond, nothing queued); a key line's concurrent_runs overrides it",
              "count",
              "no limit"),
          opt(
              "quota-runs-per-minute",
              Group.COMMON,
              "runs a tenant may start per minute (429 beyond); a key line's runs_per_minute overrides it",
              "count",
              "no limit"),
          opt(
              "quota-sessions-per-minute",
              Group.COMMON,
              "sessions a tenant may create per minute (429 beyond)",
              "count",
              "no limit"),
          opt(
              "quota-event-streams",
              Group.COMMON,
              "event streams a tenant may have open at once (429 beyond); a key's event_streams overrides it",
              "count",
              "no limit"),
          opt(
              "max-source-bytes",
              Group.COMMON,
              "largest source_code accepted (413 above)",
              "bytes",
              Integer.toString(LivecodeBuilder.DEFAULT_MAX_SOURCE_BYTES)),
          opt(
              "playground",
              Group.COMMON,
              "serve the playground page at / (not on --role worker); its files need no key",
              "on|off",
              "on"),
          opt(
              "max-connections",
              Group.COMMON,
              "open connections, idle keep-alive ones included; a new one beyond is closed at once",
              "count",
              Integer.toString(LivecodeHttpServer.DEFAULT_MAX_CONNECTIONS)),
          opt(
              "sandbox-uid-first",
              Group.RARE,
              "as root: first host uid programs run as, one uid per program at a time (no account may use the range)",
              "uid",
              Integer.toString(LivecodeBuilder.DEFAULT_FIRST_SANDBOX_UID)),
          opt(
              "sandbox-uid-count",
              Group.RARE,
              "as root: host uids programs may run as at once; a run waits when all are in use",
              "count",
              Integer.toString(LivecodeBuilder.DEFAULT_SANDBOX_UID_COUNT)),
          opt(
              "max-wall-time-ms",
              Group.RARE,
              "cap: the most wall time a run request may ask for (400 above)",
              "ms",
              Long.toString(C.wallTime().toMillis())),
          opt(
              "max-cpu-time-ms",
              Group.RARE,
              "cap of cpu_time_ms",
              "ms",
              Long.toString(C.cpuTime().toMillis())),
          opt(
              "max-memory-mb",
              Group.RARE,
              "cap of memory_mb",
              "MiB",
              Long.toString(C.memoryBytes() / MIB)),
          opt(
              "cap-max-processes",
              Group.RARE,
              "cap of max_processes",
              "count",
              Integer.toString(C.maxProcesses())),
          opt(
              "cap-max-file-bytes",
              Group.RARE,
              "cap of max_file_bytes",
              "bytes",
              Long.toString(C.maxFileBytes())),
          opt(
              "cap-max-output-bytes",
              Group.RARE,
              "cap of max_output_bytes",
              "bytes",
              Long.toString(C.maxOutputBytes())),
          opt(
              "max-stdin-bytes",
              Group.RARE,
              "largest stdin accepted (413 above)",
              "bytes",
              Integer.toString(LivecodeBuilder.DEFAULT_MAX_STDIN_BYTES)),
          opt(
              "redis-lease-ms",
              Group.RARE,
              "how long a job may go unrenewed before another worker claims it (a dead worker's runs restart after this)",
              "ms",
              "30000"),
          opt(
              "max-attempts",
              Group.RARE,
              "deliveries of one run (each ended by a dying worker) before it ends FAILED/INTERNAL_ERROR",
              "count",
              Integer.toString(LivecodeBuilder.DEFAULT_MAX_ATTEMPTS)),
          opt(
              "host",
              Group.RARE,
              "address to bind",
              "address",
              "127.0.0.1 without API keys, 0.0.0.0 with"),
          opt(
              "http-threads",
              Group.RARE,
              "request threads kept started; more start on demand, one per request being read or answered, up to --max-connections (a waiting wait_ms request holds none)",
              "threads",
              Integer.toString(LivecodeHttpServer.DEFAULT_THREADS)),
          opt(
              "header-timeout-ms",
              Group.RARE,
              "time from a request's first byte to the end of its headers; a slower client is dropped",
              "ms",
              Long.toString(LivecodeHttpServer.DEFAULT_HEADER_TIMEOUT.toMillis())),
          opt(
              "request-timeout-ms",
              Group.RARE,
              "time from a request's first byte to the end of its body; a slower client gets 408 or is dropped",
              "ms",
              Long.toString(LivecodeHttpServer.DEFAULT_REQUEST_TIMEOUT.toMillis())),
          opt(
              "max-header-bytes",
              Group.RARE,
              "largest request line and headers (431 above; beyond 4 times this the connection is closed)",
              "bytes",
              Integer.toString(LivecodeHttpServer.DEFAULT_MAX_HEADER_BYTES)),
          opt(
              "max-event-streams",
              Group.RARE,
              "GET /executions/:id/events streams open at once (503 TOO_MANY_STREAMS above); each may hold a writer thread while its client does not read",
              "count",
              Integer.toString(LivecodeHttpServer.DEFAULT_MAX_EVENT_STREAMS)),
          opt(
              "shutdown-grace-ms",
              Group.RARE,
              "on SIGTERM, how long running executions may finish",
              "ms",
              Long.toString(LivecodeBuilder.DEFAULT_SHUTDOWN_GRACE.toMillis())),
          opt(
              "workspace-root",
              Group.RARE,
              "folder where per-run workspaces are made",
              "path",
              "<tmpdir>/livecode-<pid>-<random>, removed at stop"),
          opt(
              "lang-<id>-interpreter",
              Group.RARE,
              "interpreter or compiler of language <id> (LIVECODE_LANG_<ID>_INTERPRETER)",
              "path",
              "the runner's own"),
          opt(
              "lang-<id>-args",
              Group.RARE,
              "extra flags before the program, space-separated (LIVECODE_LANG_<ID>_ARGS)",
              "text",
              ""),
          opt(
              "lang-<id>-env",
              Group.RARE,
              "extra environment variable of the program, repeatable (LIVECODE_LANG_<ID>_ENV: comma-separated)",
              "KEY=VALUE",
              ""));

  private static Option opt(
      String name, Group group, String meaning, String unit, String defaultValue) {
    return new Option(name, group, meaning, unit, defaultValue, false);
  }

  public static Optional<Option> find(String name) {
    return ALL.stream().filter(o -> o.name().equals(name) && !o.name().contains("<")).findFirst();
  }

  /** The text of {@code --help}. */
  public static String help() {
    StringBuilder out = new StringBuilder();
    out.append("Usage: java -jar livecode-server.jar [--flag value | --flag=value]...\n");
    out.append(
        "Every flag can also be set by its environment variable; a flag wins over the variable.\n");
    for (Group group : Group.values()) {
      out.append('\n')
          .append(group.name().charAt(0))
          .append(group.name().substring(1).toLowerCase(Locale.ROOT))
          .append(":\n");
      for (Option o : ALL) {
        if (o.group() != group) {
          continue;
        }
        String env = o.name().contains("<") ? "" : "  (" + o.env() + ")";
        out.append(String.format("  --%-24s %s%n", o.name() + " <" + o.unit() + ">", env.trim()));
        out.append("      ").append(o.meaning());
        if (!o.defaultValue().isEmpty()) {
          out.append(". Default: ").append(o.defaultValue());
        }
        out.append('\n');
      }
    }
    out.append("\n  --help                        this text\n");
    out.append(
        "\nKeys kept in the store (--store mysql): java -jar livecode-server.jar keys"
            + " create <tenant> [options] | list | revoke <id> [store flags]; keys --help says"
            + " more.\n");
    return out.toString();
  }
}
