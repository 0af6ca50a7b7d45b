package dev.livecode.core.internal;

import dev.livecode.core.Execution;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded cache of finished executions by id, so that polling a finished run does not cost a
 * store read each time. A finished execution never changes and the stores it is put in front of
 * never delete executions (the engine keeps it away from the in-memory store, which evicts), so an
 * entry is never stale, on this node or any other: only finished executions are admitted. Bounded
 * both in entries and in the characters of text the entries hold (a run's output can be megabytes);
 * the oldest admitted entry leaves first.
 */
final class FinishedExecutions {
  /** An execution larger than this share of the text budget is not worth evicting others for. */
  private static final int LARGEST_SHARE = 16;

  /** Fixed cost of one entry beside its text, in chars, so that empty outputs still weigh. */
  private static final long ENTRY_OVERHEAD_CHARS = 256;

  private final int maxEntries;
  private final long maxChars;
  private final ConcurrentHashMap<UUID, Entry> byId = new ConcurrentHashMap<>();
  private final Queue<Entry> oldestFirst = new ConcurrentLinkedQueue<>();
  private final AtomicLong chars = new AtomicLong();

  private record Entry(Execution execution, long weight) {}

  /** {@code maxEntries == 0} turns the cache off. */
  FinishedExecutions(int maxEntries, long maxChars) {
    if (maxEntries < 0 || maxChars < 0) {
      throw new IllegalArgumentException(
          "cache bounds must be >= 0, were " + maxEntries + " entries, " + maxChars + " chars");
    }
    this.maxEntries = maxEntries;
    this.maxChars = maxChars;
  }

  Optional<Execution> find(UUID id) {
    Entry entry = byId.get(id);
    return entry == null ? Optional.empty() : Optional.of(entry.execution());
  }

  /** Keeps {@code execution} when it is finished and small enough; anything else is ignored. */
  void offer(Execution execution) {
    if (maxEntries == 0 || !execution.isFinished()) {
      return;
    }
    long weight = weight(execution);
    if (weight > maxChars / LARGEST_SHARE) {
      return;
    }
    Entry entry = new Entry(execution, weight);
    if (byId.putIfAbsent(execution.id(), entry) != null) {
      return;
    }
    oldestFirst.add(entry);
    chars.addAndGet(weight);
    while (byId.size() > maxEntries || chars.get() > maxChars) {
      Entry oldest = oldestFirst.poll();
      if (oldest == null) {
        break;
      }
      if (byId.remove(oldest.execution().id(), oldest)) {
        chars.addAndGet(-oldest.weight());
      }
    }
  }

  int size() {
    return byId.size();
  }

  long chars() {
    return chars.get();
  }

  private static long weight(Execution e) {
    long text = (long) e.sourceCode().length() + e.stdin().length();
    if (e.result().isPresent()) {
      text += e.result().get().stdout().length() + (long) e.result().get().stderr().length();
    }
    return text + ENTRY_OVERHEAD_CHARS;
  }
}
