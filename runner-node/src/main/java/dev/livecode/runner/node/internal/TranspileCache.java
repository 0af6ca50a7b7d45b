package dev.livecode.runner.node.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last transpiles, by source: pressing Run again on unchanged code (the common case in an
 * editor) skips the transpiler's round trip. Bounded in entries and in characters held.
 */
public final class TranspileCache {
  /** Most sources kept. */
  public static final int MAX_ENTRIES = 256;

  /** Most characters kept, sources and outputs together (about 16 MB of heap). */
  public static final long MAX_CHARS = 8L * 1024 * 1024;

  private final LinkedHashMap<String, WarmTranspiler.Outcome> entries =
      new LinkedHashMap<>(64, 0.75f, true);
  private long chars;

  public synchronized Optional<WarmTranspiler.Outcome> find(String source) {
    return Optional.ofNullable(entries.get(source));
  }

  /** Keeps a definitive outcome; others (timeouts, crashes) are not the source's own answer. */
  public synchronized void put(String source, WarmTranspiler.Outcome outcome) {
    long size = (long) source.length() + outcome.text().length();
    if (!outcome.definitive() || size > MAX_CHARS / 4) {
      return;
    }
    WarmTranspiler.Outcome previous = entries.put(source, outcome);
    if (previous != null) {
      chars -= source.length() + previous.text().length();
    }
    chars += size;
    var eldest = entries.entrySet().iterator();
    while ((entries.size() > MAX_ENTRIES || chars > MAX_CHARS) && eldest.hasNext()) {
      Map.Entry<String, WarmTranspiler.Outcome> entry = eldest.next();
      chars -= entry.getKey().length() + entry.getValue().text().length();
      eldest.remove();
    }
  }

  public synchronized int size() {
    return entries.size();
  }
}
