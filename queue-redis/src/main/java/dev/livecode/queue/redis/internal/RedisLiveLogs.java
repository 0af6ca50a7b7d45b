package dev.livecode.queue.redis.internal;

import dev.livecode.core.Execution;
import dev.livecode.core.exception.QueueException;
import dev.livecode.core.spi.ExecutionEvents;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
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
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live event logs as one Redis stream per execution ({@code <prefix>:live:<id>}), each entry's id
 * its sequence number ({@code <n>-0}), so that a resume is an XREAD from the number a client has
 * and Redis itself refuses an entry that does not follow the last one. Appends go out on the
 * queue's shared connection without waiting (in order, as Lettuce pipelines them). One reader
 * thread follows every log this node's subscribers watch with a single blocking XREAD over all of
 * them on a connection of its own, and fans the entries out. That XREAD also reads a wake stream of
 * this reader's own; a new follower adds an entry to it, without waiting for the reply, so the
 * reader takes the follower in at once: whether the entry lands before the XREAD or during its
 * block, the XREAD returns it. No one waits out the block, and no caller waits for Redis or polls.
 *
 * <p>Entry fields: {@code k} the kind, {@code s} the status, {@code r} 1 on a restart, {@code t}
 * the text.
 */
public final class RedisLiveLogs implements ExecutionEvents.LiveLogs, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLiveLogs.class);
  private static final int BATCH = 512;

  /**
   * Sends request ARGV[1] (text ARGV[2], close stdin ARGV[3]) to KEYS[1]; stdin only while KEYS[2]
   * says it is open and within ARGV[4] bytes in all (ARGV[5] more): 1 sent, 0 closed, -1 too large.
   */
  private static final String SEND =
      "if ARGV[1] == 'STDIN' then\n"
          + "  if redis.call('HGET', KEYS[2], 'closed') then return 0 end\n"
          + "  local total = tonumber(redis.call('HGET', KEYS[2], 'bytes') or '0') + tonumber(ARGV[5])\n"
          + "  if total > tonumber(ARGV[4]) then return -1 end\n"
          + "  redis.call('HSET', KEYS[2], 'bytes', total)\n"
          + "  if ARGV[3] == '1' then redis.call('HSET', KEYS[2], 'closed', '1') end\n"
          + "end\n"
          + "redis.call('XADD', KEYS[1], '*', 'k', ARGV[1], 't', ARGV[2], 'e', ARGV[3])\n"
          + "return 1";

  /** Appends ARGV[3..] as entry ARGV[1] only when it follows the last entry: 1, else 0. */
  private static final String APPEND =
      "local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)\n"
          + "local n = 0\n"
          + "if #last > 0 then n = tonumber(string.match(last[1][1], '^(%d+)')) end\n"
          + "if n + 1 ~= tonumber(ARGV[1]) then return 0 end\n"
          + "redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], ARGV[1] .. '-0',"
          + " unpack(ARGV, 3))\n"
          + "return 1";

  /** Sets the retention ARGV[1] (ms) of every key given, in one command instead of one each. */
  private static final String RETAIN =
      "for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ARGV[1]) end\n" + "return 1";

  /** How long a wake stream outlives its reader's last wake (a reader that died keeps none). */
  private static final Duration WAKE_RETENTION = Duration.ofMinutes(10);

  /**
   * How often a wake renews its stream's retention: each run wakes the reader, and a renewal per
   * run would double the wake's commands for a retention that is minutes long.
   */
  private static final Duration WAKE_RENEWAL = Duration.ofMinutes(1);

  private final String keyPrefix;
  private final String logName;
  private final StatefulRedisConnection<String, String> commands;
  private final Supplier<StatefulRedisConnection<String, String>> connect;
  private final long blockMillis;
  private final Map<String, Follower> followers = new ConcurrentHashMap<>();
  private final String wakeKey;
  // Only the reader thread reads and moves it.
  private String lastWake = "0-0";
  private final AtomicLong wakeRenewedAt =
      new AtomicLong(System.nanoTime() - WAKE_RENEWAL.toNanos());
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object idle = new Object();
  private final Thread reader;
  private volatile StatefulRedisConnection<String, String> readerConnection;

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
    this.wakeKey = keyPrefix + ":live-wake:" + UUID.randomUUID();
    this.reader = new Thread(this::readLoop, "livecode-redis-live-1");
    reader.setDaemon(true);
    reader.start();
  }

  private String key(UUID executionId) {
    return keyPrefix + executionId;
  }

  private String requestsKey(UUID executionId) {
    return keyPrefix + executionId + ":in";
  }

  private String stdinStateKey(UUID executionId) {
    return keyPrefix + executionId + ":in-state";
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

  /** Without waiting: the end must not wait for a retention to be set. */
  @Override
  public void ended(UUID executionId, Duration retention) {
    String[] keys = {key(executionId), requestsKey(executionId), stdinStateKey(executionId)};
    try {
      commands
          .async()
          .<Long>eval(
              RETAIN,
              ScriptOutputType.INTEGER,
              keys,
              Long.toString(Math.max(1, retention.toMillis())))
          .exceptionally(
              e -> {
                retentionNotSet(executionId, e);
                return null;
              });
    } catch (RedisException e) {
      retentionNotSet(executionId, e);
    }
  }

  private void retentionNotSet(UUID executionId, Throwable error) {
    LOG.warn(
        "{} live log retention not set execution={} error={}",
        logName,
        executionId,
        error.toString());
  }

  @Override
  public ExecutionEvents.Subscription follow(
      UUID executionId, long after, Consumer<List<Entry>> listener) {
    Objects.requireNonNull(listener, "listener");
    return follow(
        key(executionId),
        after + "-0",
        messages -> {
          List<Entry> entries = new ArrayList<>(messages.size());
          for (StreamMessage<String, String> message : messages) {
            entries.add(entryOf(message));
          }
          listener.accept(entries);
          return entries.get(entries.size() - 1).kind() == Execution.Event.Kind.DONE;
        });
  }

  @Override
  public Sent send(UUID executionId, Request request, long maxStdinBytes) {
    long bytes = request.text().getBytes(StandardCharsets.UTF_8).length;
    Long sent =
        sync(
            () ->
                commands
                    .sync()
                    .eval(
                        SEND,
                        ScriptOutputType.INTEGER,
                        new String[] {requestsKey(executionId), stdinStateKey(executionId)},
                        request.kind().name(),
                        request.text(),
                        request.closeStdin() ? "1" : "0",
                        Long.toString(maxStdinBytes),
                        Long.toString(bytes)));
    return sent == 1 ? Sent.SENT : sent == 0 ? Sent.STDIN_CLOSED : Sent.TOO_LARGE;
  }

  @Override
  public List<Request> requests(UUID executionId) {
    List<StreamMessage<String, String>> messages =
        sync(() -> commands.sync().xrange(requestsKey(executionId), Range.create("-", "+")));
    List<Request> requests = new ArrayList<>(messages.size());
    for (StreamMessage<String, String> message : messages) {
      requests.add(requestOf(message));
    }
    return requests;
  }

  @Override
  public ExecutionEvents.Subscription followRequests(
      UUID executionId, Consumer<List<Request>> listener) {
    Objects.requireNonNull(listener, "listener");
    return follow(
        requestsKey(executionId),
        "0-0",
        messages -> {
          List<Request> requests = new ArrayList<>(messages.size());
          for (StreamMessage<String, String> message : messages) {
            requests.add(requestOf(message));
          }
          listener.accept(requests);
          return false;
        });
  }

  private ExecutionEvents.Subscription follow(
      String key, String after, Function<List<StreamMessage<String, String>>, Boolean> listener) {
    Follower follower = new Follower(key, after, listener);
    followers.put(key, follower);
    wake();
    return () -> {
      follower.cancelled = true;
      followers.remove(key, follower);
    };
  }

  /** Has the reader take the new follower into its next XREAD now rather than after its block. */
  private void wake() {
    synchronized (idle) {
      idle.notifyAll();
    }
    try {
      commands.async().xadd(wakeKey, XAddArgs.Builder.maxlen(1), "w", "1");
      long renewed = wakeRenewedAt.get();
      long now = System.nanoTime();
      if (now - renewed >= WAKE_RENEWAL.toNanos() && wakeRenewedAt.compareAndSet(renewed, now)) {
        commands.async().pexpire(wakeKey, WAKE_RETENTION.toMillis());
      }
    } catch (RedisException e) {
      // Redis is unreachable: the reader meets that itself, and takes the follower in after.
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
        List<Follower> now = new ArrayList<>(followers.values());
        @SuppressWarnings("unchecked")
        XReadArgs.StreamOffset<String>[] offsets = new XReadArgs.StreamOffset[now.size() + 1];
        Map<String, Follower> byKey = new HashMap<>();
        // why: a follower added after this look adds its wake entry after it too, so past lastWake,
        // and this XREAD returns at once, or as soon as that entry lands, to take it in.
        offsets[0] = XReadArgs.StreamOffset.from(wakeKey, lastWake);
        for (int i = 0; i < now.size(); i++) {
          Follower follower = now.get(i);
          offsets[i + 1] = XReadArgs.StreamOffset.from(follower.key, follower.last);
          byKey.put(follower.key, follower);
        }
        List<StreamMessage<String, String>> messages =
            connection.sync().xread(XReadArgs.Builder.block(blockMillis).count(BATCH), offsets);
        for (StreamMessage<String, String> message : messages) {
          if (wakeKey.equals(message.getStream())) {
            lastWake = message.getId();
          }
        }
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
    Map<Follower, List<StreamMessage<String, String>>> batches = new LinkedHashMap<>();
    for (StreamMessage<String, String> message : messages) {
      Follower follower = byKey.get(message.getStream());
      if (follower != null) {
        batches.computeIfAbsent(follower, f -> new ArrayList<>()).add(message);
      }
    }
    for (Map.Entry<Follower, List<StreamMessage<String, String>>> batch : batches.entrySet()) {
      Follower follower = batch.getKey();
      List<StreamMessage<String, String>> taken = batch.getValue();
      follower.last = taken.get(taken.size() - 1).getId();
      if (follower.cancelled) {
        continue;
      }
      try {
        if (follower.listener.apply(taken)) {
          followers.remove(follower.key, follower);
        }
      } catch (RuntimeException e) {
        LOG.warn(
            "{} live log follower failed key={} error={}", logName, follower.key, e.toString());
      }
    }
  }

  private StatefulRedisConnection<String, String> readerConnection() {
    StatefulRedisConnection<String, String> connection = readerConnection;
    if (connection == null) {
      connection = connect.get();
      readerConnection = connection;
    }
    return connection;
  }

  // why: after a timeout a reply may still be on its way; a fresh connection never reads it.
  private void dropReaderConnection() {
    StatefulRedisConnection<String, String> connection = readerConnection;
    readerConnection = null;
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

  private static Request requestOf(StreamMessage<String, String> message) {
    Map<String, String> fields = message.getBody();
    return new Request(
        Request.Kind.valueOf(fields.get("k")),
        fields.getOrDefault("t", ""),
        "1".equals(fields.get("e")));
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
    // Ends the reader's block as a new follower does; it then sees the log closed.
    wake();
    reader.interrupt();
    try {
      reader.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dropReaderConnection();
    try {
      commands.async().del(wakeKey);
    } catch (RedisException e) {
      // it expires on its own
    }
  }

  /** A stream followed from after {@code last}; its listener returns true when it is done. */
  private static final class Follower {
    final String key;
    final Function<List<StreamMessage<String, String>>, Boolean> listener;
    volatile String last;
    volatile boolean cancelled;

    Follower(
        String key, String after, Function<List<StreamMessage<String, String>>, Boolean> listener) {
      this.key = key;
      this.last = after;
      this.listener = listener;
    }
  }
}
