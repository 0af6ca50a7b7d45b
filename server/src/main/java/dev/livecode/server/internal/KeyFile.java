package dev.livecode.server.internal;

import dev.livecode.http.Authenticator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of {@code --api-keys-file}: one a line, {@code <tenant> <key> [options]} (see {@link
 * KeyOptions}), {@code #} starting a comment. A tenant may have several lines, so that a new key
 * can be handed out before the old one is removed.
 *
 * <p>The file is read again when a request comes at least a second after the last look and its
 * content changed, so a removed line stops working within a second of the next request. A file that
 * can no longer be read or parsed leaves the keys of the last good one in force, with a warning: a
 * typo while editing must not lock every client out. Only SHA-256 digests of the keys are kept,
 * looked up as {@link KeyDigests} says; no key is ever logged or put in a message.
 */
public final class KeyFile implements Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(KeyFile.class);

  /** How often the file is looked at, at most. */
  static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Shorter keys are too easy to guess. */
  static final int MIN_KEY_LENGTH = 16;

  /** One line of the file: the digest of its key, and whose key it is with the line's quota. */
  private final Path path;

  private final LongSupplier nanoTime;
  private final AtomicBoolean checking = new AtomicBoolean();
  private volatile KeyDigests keys;
  private volatile byte[] contentDigest;
  private volatile long nextCheckNanos;

  private KeyFile(Path path, LongSupplier nanoTime, byte[] content) {
    this.path = path;
    this.nanoTime = nanoTime;
    this.keys = new KeyDigests(parse(content));
    this.contentDigest = sha256(content);
    this.nextCheckNanos = nanoTime.getAsLong() + CHECK_NANOS;
  }

  /**
   * Reads the file.
   *
   * @throws ConfigException when it cannot be read or a line is not a key line
   */
  public static KeyFile load(Path path) {
    return load(path, System::nanoTime);
  }

  static KeyFile load(Path path, LongSupplier nanoTime) {
    try {
      KeyFile keys = new KeyFile(path, nanoTime, read(path));
      LOG.info("api keys loaded file={} {}", path, keys.summary());
      return keys;
    } catch (IOException e) {
      throw new ConfigException(
          "--api-keys-file: cannot read '" + path + "': " + e.getClass().getSimpleName());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--api-keys-file '" + path + "': " + e.getMessage());
    }
  }

  @Override
  public Optional<Authenticator.Tenant> authenticate(String key) {
    reloadIfDue();
    return keys.find(key);
  }

  private void reloadIfDue() {
    long now = nanoTime.getAsLong();
    if (now - nextCheckNanos < 0 || !checking.compareAndSet(false, true)) {
      return;
    }
    try {
      nextCheckNanos = now + CHECK_NANOS;
      byte[] content = read(path);
      byte[] digest = sha256(content);
      if (MessageDigest.isEqual(digest, contentDigest)) {
        return;
      }
      keys = new KeyDigests(parse(content));
      contentDigest = digest;
      LOG.info("api keys reloaded file={} {}", path, summary());
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "api keys not reloaded file={} error={} keeping the keys in force",
          path,
          e instanceof IllegalArgumentException ? e.getMessage() : e.getClass().getSimpleName());
    } finally {
      checking.set(false);
    }
  }

  private String summary() {
    return keys.summary();
  }

  private static byte[] read(Path path) throws IOException {
    return Files.readAllBytes(path);
  }

  /**
   * The lines of a file.
   *
   * @throws IllegalArgumentException naming the first bad line by its number, never its key
   */
  static List<KeyDigests.Entry> parse(byte[] content) {
    List<KeyDigests.Entry> entries = new ArrayList<>();
    Map<String, Integer> lineOfKey = new HashMap<>();
    String[] lines = new String(content, StandardCharsets.UTF_8).split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int number = i + 1;
      String line = lines[i];
      int hash = line.indexOf('#');
      String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (text.isEmpty()) {
        continue;
      }
      String[] fields = text.split("\\s+");
      if (fields.length < 2) {
        throw new IllegalArgumentException(
            "line " + number + ": expected <tenant> <key> " + KeyOptions.USAGE);
      }
      String tenant = fields[0];
      String key = fields[1];
      if (key.length() < MIN_KEY_LENGTH) {
        throw new IllegalArgumentException(
            "line " + number + ": a key must have at least " + MIN_KEY_LENGTH + " characters");
      }
      Integer earlier = lineOfKey.putIfAbsent(key, number);
      if (earlier != null) {
        throw new IllegalArgumentException("line " + number + ": the same key as line " + earlier);
      }
      Authenticator.Tenant parsed;
      try {
        parsed = KeyOptions.tenant(tenant, Arrays.asList(fields).subList(2, fields.length));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + number + ": " + e.getMessage());
      }
      entries.add(new KeyDigests.Entry(sha256(key.getBytes(StandardCharsets.UTF_8)), parsed));
    }
    return List.copyOf(entries);
  }

  static byte[] sha256(byte[] bytes) {
    return KeyDigests.sha256(bytes);
  }
}
