package dev.livecode.queue.redis.internal;

import dev.livecode.core.Execution;
import dev.livecode.core.exception.QueueException;
import dev.livecode.core.spi.ExecutionEvents;
import dev.livecode.core.spi.LiveLogs;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.UnblockType;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live event logs as one Redis stream per execution ({@code <prefix>:live:<id>}), each entry's id
 * its sequence number ({@code <n>-0}), so that a resume is an XREAD from the number a client has
 * and Redis itself refuses an entry that does not follow the last one. Appends go out on the
 * queue's shared connection without waiting (in order, as Lettuce pipelines them). One reader
 * thread follows every log this node's subscribers watch with a single blocking XREAD over all of
 * them on a connection of its own, and fans the entries out; a new follower interrupts the wait
 * with CLIENT UNBLOCK, so no one waits out the block.
 *
 * <p>Entry fields: {@code k} the kind, {@code s} the status, {@code r} 1 on a restart, {@code t}
 * the text.
 */
public final class RedisLiveLogs implements LiveLogs, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLiveLogs.class);
  private static final int BATCH = 512;

  /** Appends ARGV[3..] as entry ARGV[1] only when it follows the last entry: 1, else 0. */
  private static final String APPEND =
      "local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)\n"
          + "local n = 0\n"
          + "if #last > 0 then n = tonumber(string.match(last[1][1], '^(%d+)')) end\n"
          + "if n + 1 ~= tonumber(ARGV[1]) then return 0 end\n"
          + "redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], ARGV[1] .. '-0',"
          + " unpack(ARGV, 3))\n"
          + "return 1";

  private static final int WAKE_TRIES = 50;

  private final String keyPrefix;
  private final String logName;
  private final StatefulRedisConnection<String, String> commands;
  private final Supplier<StatefulRedisConnection<String, String>> connect;
  private final long blockMillis;
  private final Map<UUID, Follower> followers = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private final AtomicLong seenGeneration = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object idle = new Object();
  private final Thread reader;
  private volatile StatefulRedisConnection<String, String> readerConnection;
  private volatile long readerClientId = -1;

  /**
   * @param commandTimeout the connections' command timeout: the reader blocks half as long a time
   */
  public RedisLiveLogs(
      RedisClient client,
      RedisURI uri,
      StatefulRedisConnection<String, String> commands,
      String keyPrefix,
      Duration commandTimeout,
      String logName) {
    this.keyPrefix = keyPrefix + ":live:";
    this.logName = logName;
    this.commands = commands;
    this.connect = () -> client.connect(uri);
    this.blockMillis = Math.max(50, commandTimeout.toMillis() / 2);
    this.reader = new Thread(this::readLoop, "livecode-redis-live-1");
    reader.setDaemon(true);
    reader.start();
  }

  private String key(UUID executionId) {
    return keyPrefix + executionId;
  }

  @Override
  public void append(UUID executionId, List<Entry> entries, long maxEntries) {
    String key = key(executionId);
    for (Entry entry : entries) {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("k", entry.kind().name());
      fields.put("s", entry.status().name());
      if (entry.restarted()) {
        fields.put("r", "1");
      }
      if (!entry.text().isEmpty()) {
        fields.put("t", entry.text());
      }
      List<String> args =
          new ArrayList<>(List.of(Long.toString(entry.sequence()), Long.toString(maxEntries)));
      fields.forEach(
          (name, value) -> {
            args.add(name);
            args.add(value);
          });
      try {
        commands
            .async()
            .<Long>eval(
                APPEND, ScriptOutputType.INTEGER, new String[] {key}, args.toArray(String[]::new))
            .whenComplete(
                (appended, e) -> {
                  if (e != null || appended == null || appended != 1L) {
                    LOG.warn(
                        "{} live event not appended execution={} sequence={} error={}",
                        logName,
                        executionId,
                        entry.sequence(),
                        e != null ? e.toString() : "not the next number");
                  }
                });
      } catch (RedisException e) {
        LOG.warn(
            "{} live event not appended execution={} sequence={} error={}",
            logName,
            executionId,
            entry.sequence(),
            e.toString());
      }
    }
  }

  @Override
  public long lastSequence(UUID executionId) {
    List<StreamMessage<String, String>> last =
        sync(
            () ->
                commands.sync().xrevrange(key(executionId), Range.create("-", "+"), Limit.from(1)));
    return last.isEmpty() ? 0 : sequenceOf(last.get(0));
  }

  @Override
  public List<Entry> read(UUID executionId, long after, int max) {
    List<StreamMessage<String, String>> messages =
        sync(
            () ->
                commands
                    .sync()
                    .xrange(
                        key(executionId),
                        Range.from(
                            Range.Boundary.excluding(after + "-0"), Range.Boundary.unbounded()),
                        Limit.from(max)));
    List<Entry> entries = new ArrayList<>(messages.size());
    for (StreamMessage<String, String> message : messages) {
      entries.add(entryOf(message));
    }
    return entries;
  }

  @Override
  public boolean exists(UUID executionId) {
    return sync(() -> commands.sync().exists(key(executionId))) > 0;
  }

  @Override
  public void ended(UUID executionId, Duration retention) {
    sync(() -> commands.sync().pexpire(key(executionId), Math.max(1, retention.toMillis())));
  }

  @Override
  public ExecutionEvents.Subscription follow(
      UUID executionId, long after, Consumer<List<Entry>> listener) {
    Objects.requireNonNull(listener, "listener");
    Follower follower = new Follower(executionId, after, listener);
    followers.put(executionId, follower);
    wake(generation.incrementAndGet());
    return () -> {
      follower.cancelled = true;
      followers.remove(executionId, follower);
    };
  }

  /** Has the reader take the new follower into its next XREAD now rather than after its block. */
  private void wake(long mine) {
    synchronized (idle) {
      idle.notifyAll();
    }
    for (int i = 0; i < WAKE_TRIES && !closed.get(); i++) {
      if (seenGeneration.get() >= mine) {
        return;
      }
      long id = readerClientId;
      try {
        if (id >= 0 && commands.sync().clientUnblock(id, UnblockType.TIMEOUT) == 1) {
          return;
        }
      } catch (RedisException e) {
        return;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void readLoop() {
    while (!closed.get()) {
      try {
        if (followers.isEmpty()) {
          synchronized (idle) {
            if (followers.isEmpty()) {
              idle.wait(blockMillis);
            }
          }
          continue;
        }
        StatefulRedisConnection<String, String> connection = readerConnection();
        seenGeneration.set(generation.get());
        List<Follower> now = new ArrayList<>(followers.values());
        @SuppressWarnings("unchecked")
        XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[now.size()];
        Map<String, Follower> byKey = new HashMap<>();
        for (int i = 0; i < now.size(); i++) {
          Follower follower = now.get(i);
          String key = key(follower.executionId);
          offsets[i] = XReadArgs.StreamOffset.from(key, follower.last + "-0");
          byKey.put(key, follower);
        }
        List<StreamMessage<String, String>> messages =
            connection.sync().xread(XReadArgs.Builder.block(blockMillis).count(BATCH), offsets);
        deliver(messages, byKey);
      } catch (InterruptedException e) {
        return;
      } catch (RedisException e) {
        if (closed.get()) {
          return;
        }
        LOG.warn("{} live log reader failed error={}", logName, e.toString());
        dropReaderConnection();
        pause();
      } catch (RuntimeException e) {
        LOG.error("{} live log reader error error={}", logName, e.toString(), e);
        pause();
      }
    }
  }

  private void deliver(List<StreamMessage<String, String>> messages, Map<String, Follower> byKey) {
    Map<Follower, List<Entry>> batches = new LinkedHashMap<>();
    for (StreamMessage<String, String> message : messages) {
      Follower follower = byKey.get(message.getStream());
      if (follower != null) {
        batches.computeIfAbsent(follower, f -> new ArrayList<>()).add(entryOf(message));
      }
    }
    for (Map.Entry<Follower, List<Entry>> batch : batches.entrySet()) {
      Follower follower = batch.getKey();
      List<Entry> entries = batch.getValue();
      follower.last = entries.get(entries.size() - 1).sequence();
      if (entries.get(entries.size() - 1).kind() == Execution.Event.Kind.DONE) {
        followers.remove(follower.executionId, follower);
      }
      if (follower.cancelled) {
        continue;
      }
      try {
        follower.listener.accept(entries);
      } catch (RuntimeException e) {
        LOG.warn(
            "{} live log follower failed execution={} error={}",
            logName,
            follower.executionId,
            e.toString());
      }
    }
  }

  private StatefulRedisConnection<String, String> readerConnection() {
    StatefulRedisConnection<String, String> connection = readerConnection;
    if (connection == null) {
      connection = connect.get();
      readerClientId = connection.sync().clientId();
      readerConnection = connection;
    }
    return connection;
  }

  // why: after a timeout a reply may still be on its way; a fresh connection never reads it.
  private void dropReaderConnection() {
    StatefulRedisConnection<String, String> connection = readerConnection;
    readerConnection = null;
    readerClientId = -1;
    if (connection != null) {
      connection.closeAsync();
    }
  }

  private void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long sequenceOf(StreamMessage<String, String> message) {
    String id = message.getId();
    return Long.parseLong(id.substring(0, id.indexOf('-')));
  }

  private static Entry entryOf(StreamMessage<String, String> message) {
    Map<String, String> fields = message.getBody();
    return new Entry(
        sequenceOf(message),
        Execution.Event.Kind.valueOf(fields.get("k")),
        Execution.Status.valueOf(fields.get("s")),
        "1".equals(fields.get("r")),
        fields.getOrDefault("t", ""));
  }

  private <T> T sync(Supplier<T> command) {
    try {
      return command.get();
    } catch (RedisException e) {
      throw new QueueException("live event log unreachable: " + e.getMessage(), e);
    }
  }

  /** Stops the reader and closes its connection; harmless when called twice. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    followers.clear();
    long id = readerClientId;
    if (id >= 0) {
      try {
        commands.sync().clientUnblock(id, UnblockType.ERROR);
      } catch (RedisException e) {
        // the reader times out on its own
      }
    }
    reader.interrupt();
    try {
      reader.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dropReaderConnection();
  }

  private static final class Follower {
    final UUID executionId;
    final Consumer<List<Entry>> listener;
    volatile long last;
    volatile boolean cancelled;

    Follower(UUID executionId, long after, Consumer<List<Entry>> listener) {
      this.executionId = executionId;
      this.last = after;
      this.listener = listener;
    }
  }
}
