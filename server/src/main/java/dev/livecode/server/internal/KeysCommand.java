package dev.livecode.server.internal;

import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.spi.Store;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code keys create <tenant> [options] | keys list | keys revoke <id>}, each followed by the
 * server's store flags ({@code --store mysql --mysql-url ...}): the API keys kept in the store.
 *
 * <p>A new key is 32 random bytes, base64url, after {@link #KEY_PREFIX} so that a leaked one is
 * easy to recognise (and to scan for); it is printed once, alone on stdout, and only its SHA-256 is
 * kept. A listing shows each key's id, tenant, first characters, times and options, never a key or
 * a digest.
 *
 * <p>Exit codes: 0 done, 1 the store cannot be reached or has no such key, 2 bad usage (and the
 * memory store, which keeps no keys).
 */
public final class KeysCommand {
  /** The first argument that selects this command. */
  public static final String NAME = "keys";

  /** What every key made here starts with. */
  static final String KEY_PREFIX = "lck_";

  /** Characters of a key a listing shows: the prefix and four more, about 24 bits of 256. */
  static final int SHOWN_CHARACTERS = KEY_PREFIX.length() + 4;

  private static final int KEY_BYTES = 32;
  private static final int ID_BYTES = 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  static final String USAGE =
      """
      usage: java -jar livecode-server.jar keys <command> --store mysql --mysql-url URL [--mysql-* ...]
        keys create <tenant> %s
            makes a key, prints it once on stdout; only its digest is kept
        keys list
            every key: id, tenant, first characters, created, revoked, options
        keys revoke <id>
            the key stops working on every node within a second
      """
          .formatted(KeyOptions.USAGE);

  private KeysCommand() {}

  /** Runs the command; returns its exit code. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    List<String> words = new ArrayList<>();
    int i = 0;
    while (i < args.length && !args[i].startsWith("--") && !args[i].equals("-h")) {
      words.add(args[i++]);
    }
    String[] flags = Arrays.copyOfRange(args, i, args.length);
    if (Arrays.asList(flags).contains("--help") || Arrays.asList(flags).contains("-h")) {
      out.print(USAGE);
      return 0;
    }
    if (words.isEmpty()) {
      return usage(err, "which command? create, list or revoke");
    }
    String command = words.get(0);
    List<String> operands = words.subList(1, words.size());
    Runnable check =
        switch (command) {
          case "create" -> () -> checkCreate(operands);
          case "list" -> () -> exactly(operands, 0, "keys list takes no arguments");
          case "revoke" -> () -> exactly(operands, 1, "keys revoke takes one key id");
          default ->
              () -> {
                throw new ConfigException(
                    "unknown command '" + command + "'; known: create, list, revoke");
              };
        };
    ServerConfig config;
    try {
      check.run();
      config = ServerConfig.parse(flags, env);
    } catch (ServerConfig.HelpRequested e) {
      out.print(USAGE);
      return 0;
    } catch (ConfigException e) {
      return usage(err, e.getMessage());
    }
    if (config.store() == ServerConfig.StoreKind.MEMORY) {
      err.println(
          "livecode keys: the memory store keeps no keys; put them in --api-keys-file, or give"
              + " --store mysql --mysql-url URL to keep them in the database");
      return Main.EXIT_USAGE;
    }
    try (Store store = Backends.store(config, KeysCommand.class.getClassLoader())) {
      Optional<Store.ApiKeys> keys = store.apiKeys();
      if (keys.isEmpty()) {
        err.println("livecode keys: the " + config.store() + " store keeps no keys");
        return Main.EXIT_USAGE;
      }
      return switch (command) {
        case "create" -> create(keys.get(), operands, out, err);
        case "list" -> list(keys.get(), out);
        default -> revoke(keys.get(), operands.get(0), out, err);
      };
    } catch (ConfigException | IllegalArgumentException e) {
      return usage(err, e.getMessage());
    } catch (LivecodeException e) {
      err.println("livecode keys: " + Secrets.maskUrl(oneLine(e)));
      return Main.EXIT_FAILED;
    }
  }

  private static void checkCreate(List<String> operands) {
    if (operands.isEmpty()) {
      throw new ConfigException(
          "keys create needs a tenant: keys create <tenant> " + KeyOptions.USAGE);
    }
    try {
      KeyOptions.tenant(operands.get(0), operands.subList(1, operands.size()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("keys create: " + e.getMessage());
    }
  }

  private static void exactly(List<String> operands, int count, String message) {
    if (operands.size() != count) {
      throw new ConfigException(message);
    }
  }

  private static int create(
      Store.ApiKeys keys, List<String> operands, PrintStream out, PrintStream err) {
    String tenant = operands.get(0);
    String options = String.join(" ", operands.subList(1, operands.size()));
    byte[] secret = new byte[KEY_BYTES];
    RANDOM.nextBytes(secret);
    String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    byte[] idBytes = new byte[ID_BYTES];
    RANDOM.nextBytes(idBytes);
    String id = HexFormat.of().formatHex(idBytes);
    keys.insert(
        new Store.ApiKeys.StoredKey(
            id,
            tenant,
            HexFormat.of().formatHex(KeyFile.sha256(key.getBytes(StandardCharsets.UTF_8))),
            key.substring(0, SHOWN_CHARACTERS),
            options,
            Instant.now().truncatedTo(ChronoUnit.MICROS),
            Optional.empty()));
    out.println(key);
    err.println(
        "livecode keys: created id="
            + id
            + " tenant="
            + tenant
            + (options.isEmpty() ? "" : " options=\"" + options + "\"")
            + "; the key above is shown only this once");
    return 0;
  }

  private static int list(Store.ApiKeys keys, PrintStream out) {
    String format = "%-16s  %-24s  %-10s  %-27s  %-27s  %s%n";
    out.printf(format, "ID", "TENANT", "KEY", "CREATED", "REVOKED", "OPTIONS");
    for (Store.ApiKeys.StoredKey key : keys.list()) {
      out.printf(
          format,
          key.id(),
          key.tenant(),
          key.prefix() + "...",
          key.createdAt(),
          key.revokedAt().map(Instant::toString).orElse("-"),
          key.options());
    }
    return 0;
  }

  private static int revoke(Store.ApiKeys keys, String id, PrintStream out, PrintStream err) {
    if (keys.revoke(id, Instant.now().truncatedTo(ChronoUnit.MICROS))) {
      out.println("revoked id=" + id);
      return 0;
    }
    boolean known = keys.list().stream().anyMatch(k -> k.id().equals(id));
    if (known) {
      out.println("revoked id=" + id + " (already)");
      return 0;
    }
    err.println("livecode keys: no key with id " + id + "; see keys list");
    return Main.EXIT_FAILED;
  }

  private static int usage(PrintStream err, String message) {
    err.println("livecode keys: " + message);
    err.print(USAGE);
    return Main.EXIT_USAGE;
  }

  private static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replace('\n', ' ').replace('\r', ' ');
  }

  /** The exit codes, as the server's. */
  private static final class Main {
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
  }
}
