package dev.livecode.queue.redis;

import dev.livecode.core.Session;
import dev.livecode.core.exception.QueueException;
import dev.livecode.core.spi.ExecutionEvents;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.queue.redis.internal.QueuedExecutions;
import dev.livecode.queue.redis.internal.RedisEvents;
import dev.livecode.queue.redis.internal.RedisLiveLogs;
import dev.livecode.queue.redis.internal.RedisUris;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link JobQueue} on a Redis stream with one consumer group, shared by any number of api and
 * worker processes. JobQueue.Delivery is at-least-once: a job stays in the group's pending list
 * until a worker acknowledges it after storing the result; a job whose worker stops renewing its
 * lease (the process died) is claimed by another worker with the attempt count raised. Also
 * provides {@link #events()}, execution events over Redis pub/sub.
 *
 * <pre>{@code
 * RedisQueue queue = RedisQueue.builder().uri("redis://:secret@redis:6379/0").build();
 * LivecodeEngine engine = Livecode.builder().queue(queue).build(); // announces runs on queue.events()
 * }</pre>
 *
 * <p>Keys, for the default prefix {@code livecode}: the stream {@code livecode:jobs} (group {@value
 * #GROUP}), the stream {@code livecode:dead-letter}, the sorted set {@code livecode:workers}
 * (worker heartbeats) and the pub/sub channel {@code livecode:events}.
 *
 * <p>Every Redis failure is a {@link QueueException}, raised within the command timeout. Thread
 * safe. The queue owns its connections; {@link #close()} closes them and {@link #events()}.
 *
 * <p>An application that chooses its queue by name finds this one as the {@link JobQueue.Provider}
 * named {@code redis}, with the settings {@code url}, {@code prefix} and {@code lease-ms}.
 *
 * @since 0.1
 */
public final class RedisQueue implements JobQueue {
  private static final Logger LOG = LoggerFactory.getLogger(RedisQueue.class);

  /** Key prefix: {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "livecode";

  /** How long a taken job may go without a renewal before another worker claims it: 30 s. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  /** Longest wait for one Redis command (blocking reads are cut into shorter waits): 2 s. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

  /** The consumer group every worker joins. */
  public static final String GROUP = "livecode-workers";

  private static final String FIELD_EXECUTION = "execution";
  private static final String FIELD_TENANT = "tenant";
  private static final String FIELD_QUEUED = "queued";
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.:{}\\-]{1,100}");
  private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(1);
  private static final AtomicInteger THREADS = new AtomicInteger();

  // why fair: the stream holds at most one undelivered job per tenant (the hash KEYS[3] maps the
  // tenant to that entry); the tenant's others wait in its list KEYS[2], and its next one joins the
  // end of the stream when that one is delivered. Workers read the stream oldest first, so tenants
  // with work waiting take turns. A flag whose entry is gone or delivered (its worker died before
  // promoting) is stale and is repaired by the next enqueue or take of that tenant.
  private static final String FAIR_STALE =
      """
      local function stale(id)
        if not id then return true end
        if #redis.call('XRANGE', KEYS[1], id, id) == 0 then return true end
        local ok, pending = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1], id, id, 1)
        return ok and #pending > 0
      end
      local function promote(tenant)
        local next = redis.call('LPOP', KEYS[2])
        if not next then
          redis.call('HDEL', KEYS[3], tenant)
          return 0
        end
        redis.call('DECR', KEYS[4])
        local id
        local cut = string.find(next, '\\n', 1, true)
        if cut then
          id = redis.call('XADD', KEYS[1], '*', 'execution', string.sub(next, 1, cut - 1),
              'tenant', tenant, 'queued', string.sub(next, cut + 1))
        else
          id = redis.call('XADD', KEYS[1], '*', 'execution', next, 'tenant', tenant)
        end
        redis.call('HSET', KEYS[3], tenant, id)
        return 1
      end
      """;
  private static final String FAIR_ENQUEUE =
      FAIR_STALE
          + """
      redis.call('RPUSH', KEYS[2], ARGV[2])
      redis.call('INCR', KEYS[4])
      local flag = redis.call('HGET', KEYS[3], ARGV[3])
      if flag and not stale(flag) then return 0 end
      return promote(ARGV[3])
      """;
  private static final String FAIR_PROMOTE =
      FAIR_STALE
          + """
      if stale(redis.call('HGET', KEYS[3], ARGV[3])) then return promote(ARGV[3]) end
      return 0
      """;
  // why: XACK and XDEL together, so XLEN = waiting + pending and no acked entry lingers.
  private static final String ACK =
      """
      redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
      return redis.call('XDEL', KEYS[1], ARGV[2])
      """;
  private static final String DEAD_LETTER =
      """
      local t = redis.call('TIME')
      redis.call('XADD', KEYS[2], '*', 'execution', ARGV[3], 'job', ARGV[2], 'attempt', ARGV[4],
          'reason', ARGV[5], 'consumer', ARGV[6], 'dead_at_ms', tostring(t[1] * 1000 + math.floor(t[2] / 1000)))
      redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
      return redis.call('XDEL', KEYS[1], ARGV[2])
      """;
  // why: Redis's clock, not the nodes' clocks, which may disagree.
  private static final String HEARTBEAT =
      """
      local t = redis.call('TIME')
      return redis.call('ZADD', KEYS[1], t[1] * 1000 + math.floor(t[2] / 1000), ARGV[1])
      """;
  private static final String STATS =
      """
      local t = redis.call('TIME')
      local cutoff = t[1] * 1000 + math.floor(t[2] / 1000) - tonumber(ARGV[2])
      local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. cutoff, 'LIMIT', 0, 20)
      for _, member in ipairs(stale) do
        redis.call('ZREM', KEYS[2], member)
      end
      local pending = 0
      local ok, summary = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1])
      if ok then pending = summary[1] end
      return {redis.call('XLEN', KEYS[1]), pending, redis.call('ZCARD', KEYS[2]),
          tonumber(redis.call('GET', KEYS[3]) or '0')}
      """;
  private static final String LEAVE =
      """
      for i = 3, #ARGV do redis.call('ZREM', KEYS[2], ARGV[i]) end
      local ok, mine = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
      if ok and #mine == 0 then pcall(redis.call, 'XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2]) end
      return 1
      """;

  private final RedisURI uri;
  private final String maskedUri;
  private final String keyPrefix;
  private final String jobsKey;
  private final String deadLetterKey;
  private final String workersKey;
  private final String tenantsKey;
  private final String heldKey;
  private final String eventsChannel;
  private final Duration lease;
  private final Duration commandTimeout;
  private final String consumerName;
  private final Consumer<String> consumer;
  private final String logName;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  // why: a blocking XREADGROUP holds its connection's pipeline, so each waiting worker thread
  // borrows a connection of its own; they are kept for reuse rather than reopened per take.
  private final ConcurrentLinkedDeque<StatefulRedisConnection<String, String>> idleBlocking =
      new ConcurrentLinkedDeque<>();
  private final AtomicReference<String> claimCursor = new AtomicReference<>("0-0");
  // why: under load every take would sweep the pending list for a dead worker's job, one
  // XAUTOCLAIM per run that nearly always finds nothing; after a whole sweep found nothing the
  // next waits until this time (System.nanoTime()), while a sweep that claims or walks on does not.
  private volatile long nextSweep = System.nanoTime();

  /**
   * How long after a sweep that found nothing the next waits: a tenth of the lease, at most the
   * heartbeat's second, so a dead worker's job waits at most that much longer than its lease.
   */
  private final long sweepPauseNanos;

  // why: liveWorkers counts worker threads (EngineStatus), so each thread that takes has its own
  // heartbeat member "<consumer>#<thread>"; a job's renewal keeps its thread's member fresh.
  private final ConcurrentHashMap<String, Long> lastBeat = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> heldBy = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private RedisEvents events;

  private RedisQueue(Builder builder) {
    this.uri = builder.redisUri;
    this.uri.setTimeout(builder.commandTimeout);
    this.maskedUri = RedisUris.masked(uri);
    this.keyPrefix = builder.keyPrefix;
    this.jobsKey = keyPrefix + ":jobs";
    this.deadLetterKey = keyPrefix + ":dead-letter";
    this.workersKey = keyPrefix + ":workers";
    this.tenantsKey = keyPrefix + ":tenants";
    this.heldKey = keyPrefix + ":tenant-jobs-waiting";
    this.eventsChannel = keyPrefix + ":events";
    this.lease = builder.lease;
    this.sweepPauseNanos = Math.min(lease.dividedBy(10).toNanos(), HEARTBEAT_EVERY.toNanos());
    this.commandTimeout = builder.commandTimeout;
    this.consumerName = builder.consumerName != null ? builder.consumerName : defaultConsumerName();
    this.consumer = Consumer.from(GROUP, consumerName);
    this.logName = "redis-queue[" + keyPrefix + "]";
    // why: our own small, named, daemon I/O threads (livecode-redis-<n>) instead of Lettuce's
    // per-core pools, so a queue costs 3 threads and a forgotten close() never blocks JVM exit.
    this.resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(1)
            .threadFactoryProvider(
                pool ->
                    runnable -> {
                      Thread thread =
                          new Thread(runnable, "livecode-redis-" + THREADS.incrementAndGet());
                      thread.setDaemon(true);
                      return thread;
                    })
            .build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // why: during an outage fail at once (the api answers 503, workers back off) instead of
            // buffering commands that would replay, or time out, later.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(
                SocketOptions.builder().connectTimeout(commandTimeout).keepAlive(true).build())
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .build());
    try {
      this.connection = client.connect(uri);
    } catch (RedisException e) {
      client.shutdown(0, 2, TimeUnit.SECONDS);
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw new QueueException(
          "cannot connect to Redis at "
              + maskedUri
              + ": "
              + RedisUris.describe(e, uri)
              + "; check the URL and that Redis is running",
          e);
    }
    try {
      createGroup();
    } catch (QueueException e) {
      close();
      throw e;
    }
    LOG.info(
        "{} connected uri={} stream={} group={} consumer={} lease_ms={} command_timeout_ms={}",
        logName,
        maskedUri,
        jobsKey,
        GROUP,
        consumerName,
        lease.toMillis(),
        commandTimeout.toMillis());
    if (lease.compareTo(Duration.ofSeconds(6)) < 0) {
      LOG.warn(
          "{} lease is shorter than 3 engine renewals (2 s each) lease_ms={}; a slow renewal lets another "
              + "worker run the same job too; use at least 6 s outside tests",
          logName,
          lease.toMillis());
    }
  }

  /** A builder with the defaults; {@link Builder#uri(String)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Execution events over this Redis ({@code <prefix>:events} pub/sub), which an engine built on
   * this queue uses unless {@code Livecode.builder().events(..)} names others. The same instance on
   * every call; closed with the queue.
   *
   * @throws QueueException when the subscriber connection cannot be opened
   */
  @Override
  public synchronized ExecutionEvents events() {
    ensureOpen();
    if (events == null) {
      events =
          new RedisEvents(
              client,
              uri,
              connection,
              eventsChannel,
              new RedisLiveLogs(client, uri, connection, keyPrefix, commandTimeout, logName),
              logName);
    }
    return events;
  }

  /** The prefix of every key this queue uses. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * The stream holding dead-lettered jobs (fields execution, job, attempt, reason, consumer,
   * dead_at_ms).
   */
  public String deadLetterKey() {
    return deadLetterKey;
  }

  /** This process's consumer name in the group. */
  public String consumerName() {
    return consumerName;
  }

  /**
   * Appends the job to its tenant's list, and to the stream when the tenant has no job waiting
   * there (see {@code FAIR_STALE}). Once this returns, the job survives the death of every livecode
   * process (and of Redis too, when Redis runs with AOF).
   *
   * @throws QueueException when Redis cannot be reached or refuses the command
   */
  @Override
  public void enqueue(JobQueue.Job job) {
    Objects.requireNonNull(job, "job");
    ensureOpen();
    sync(
        "enqueue",
        commands ->
            commands.eval(
                FAIR_ENQUEUE,
                ScriptOutputType.INTEGER,
                fairKeys(job.tenant()),
                GROUP,
                listEntry(job),
                job.tenant()));
  }

  /**
   * First claims a job whose lease expired (its worker died), else waits for a new one.
   *
   * @throws QueueException when Redis cannot be reached (quickly: commands are rejected while
   *     disconnected)
   */
  @Override
  public Optional<JobQueue.Delivery> take(Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait");
    ensureOpen();
    String member = consumerName + "#" + Thread.currentThread().getName();
    try {
      heartbeat(member, false);
      Optional<JobQueue.Delivery> reclaimed =
          System.nanoTime() - nextSweep >= 0 ? reclaim() : Optional.empty();
      Optional<JobQueue.Delivery> delivery =
          reclaimed.isPresent() || maxWait.isZero() || maxWait.isNegative()
              ? (reclaimed.isPresent() ? reclaimed : read(connection, 0))
              : waitForNew(maxWait);
      delivery.ifPresent(taken -> heldBy.put(taken.receipt(), member));
      return delivery;
    } catch (RedisCommandInterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private Optional<JobQueue.Delivery> waitForNew(Duration maxWait) {
    long deadline = System.nanoTime() + maxWait.toNanos();
    // why: a BLOCK longer than the command timeout would be cut by it; wait in slices instead.
    long slice = Math.max(50, commandTimeout.toMillis() / 2);
    if (Thread.currentThread().isInterrupted() || closed.get()) {
      // A wait that will not happen opens no connection: connecting on an interrupted thread
      // fails, which would turn an interrupt into a queue failure.
      return Optional.empty();
    }
    StatefulRedisConnection<String, String> blocking = borrow();
    boolean healthy = false;
    try {
      while (true) {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remaining <= 0 || Thread.currentThread().isInterrupted() || closed.get()) {
          healthy = true;
          return Optional.empty();
        }
        Optional<JobQueue.Delivery> delivery = read(blocking, Math.min(remaining, slice));
        if (delivery.isPresent()) {
          healthy = true;
          return delivery;
        }
      }
    } finally {
      giveBack(blocking, healthy);
    }
  }

  /** Acknowledges and deletes the entry: it is never delivered again. */
  @Override
  public void ack(JobQueue.Delivery delivery) {
    Objects.requireNonNull(delivery, "delivery");
    ensureOpen();
    sync(
        "ack",
        commands ->
            commands.eval(
                ACK, ScriptOutputType.INTEGER, new String[] {jobsKey}, GROUP, delivery.receipt()));
    heldBy.remove(delivery.receipt());
  }

  /** Resets the lease of a job this process holds (the engine calls it every 2 s while running). */
  @Override
  public void renew(JobQueue.Delivery delivery) {
    Objects.requireNonNull(delivery, "delivery");
    ensureOpen();
    // why: XCLAIM with min-idle 0 resets the entry's idle time; JUSTID leaves the delivery count
    // alone.
    sync(
        "renew",
        commands ->
            commands.xclaim(
                jobsKey, consumer, XClaimArgs.Builder.justid().minIdleTime(0), delivery.receipt()));
    String member = heldBy.get(delivery.receipt());
    if (member != null) {
      heartbeat(member, true);
    }
  }

  /** Moves the job to {@link #deadLetterKey()} with the reason, and acknowledges it, atomically. */
  @Override
  public void deadLetter(JobQueue.Delivery delivery, String reason) {
    Objects.requireNonNull(delivery, "delivery");
    Objects.requireNonNull(reason, "reason");
    ensureOpen();
    sync(
        "deadLetter",
        commands ->
            commands.eval(
                DEAD_LETTER,
                ScriptOutputType.INTEGER,
                new String[] {jobsKey, deadLetterKey},
                GROUP,
                delivery.receipt(),
                delivery.job().executionId().toString(),
                Integer.toString(delivery.attempt()),
                reason,
                consumerName));
    heldBy.remove(delivery.receipt());
    LOG.warn(
        "{} job dead-lettered execution={} attempt={} stream={} reason={}",
        logName,
        delivery.job().executionId(),
        delivery.attempt(),
        deadLetterKey,
        reason);
  }

  /**
   * Waiting = entries never delivered plus the jobs in the tenants' lists; in flight = delivered,
   * not acknowledged; live workers = worker threads on all nodes that took a job, or renewed one,
   * within the lease.
   */
  @Override
  public JobQueue.Stats stats() {
    ensureOpen();
    List<Object> counts =
        sync(
            "stats",
            commands ->
                commands.eval(
                    STATS,
                    ScriptOutputType.MULTI,
                    new String[] {jobsKey, workersKey, heldKey},
                    GROUP,
                    Long.toString(lease.toMillis())));
    long length = ((Number) counts.get(0)).longValue();
    long pending = ((Number) counts.get(1)).longValue();
    long workers = ((Number) counts.get(2)).longValue();
    long held = ((Number) counts.get(3)).longValue();
    return new JobQueue.Stats(
        Math.max(0, length - pending) + Math.max(0, held), pending, OptionalLong.of(workers));
  }

  /** True: jobs live in Redis and outlive every livecode process. */
  @Override
  public boolean durable() {
    return true;
  }

  /**
   * Leaves the group (when this consumer holds no job) and closes the connections and {@link
   * #events()}; harmless when called twice. Jobs this process still holds are claimed by other
   * workers after the lease.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      if (events != null) {
        events.close();
      }
    }
    if (connection != null) {
      try {
        List<String> args = new java.util.ArrayList<>(List.of(GROUP, consumerName));
        args.addAll(lastBeat.keySet());
        connection
            .sync()
            .eval(
                LEAVE,
                ScriptOutputType.INTEGER,
                new String[] {jobsKey, workersKey},
                args.toArray(String[]::new));
      } catch (RedisException e) {
        LOG.debug(
            "{} could not leave the group consumer={} error={}",
            logName,
            consumerName,
            e.toString());
      }
      connection.close();
    }
    StatefulRedisConnection<String, String> idle;
    while ((idle = idleBlocking.poll()) != null) {
      idle.close();
    }
    client.shutdown(0, 2, TimeUnit.SECONDS);
    resources.shutdown(0, 2, TimeUnit.SECONDS);
    LOG.info("{} closed consumer={}", logName, consumerName);
  }

  private Optional<JobQueue.Delivery> reclaim() {
    String start = claimCursor.get();
    ClaimedMessages<String, String> claimed =
        withGroup(
            "reclaim",
            () ->
                connection
                    .sync()
                    .xautoclaim(
                        jobsKey,
                        new XAutoClaimArgs<String>()
                            .consumer(consumer)
                            .minIdleTime(lease)
                            .startId(start)
                            .count(1)));
    // why: the cursor walks the whole pending list over successive takes, so a stale entry behind
    // many live ones is still found; "0-0" means the walk starts over.
    String next = claimed.getId() == null ? "0-0" : claimed.getId();
    claimCursor.compareAndSet(start, next);
    boolean sweptAll = next.equals("0-0") && claimed.getMessages().isEmpty();
    nextSweep = System.nanoTime() + (sweptAll ? sweepPauseNanos : 0);
    for (StreamMessage<String, String> message : claimed.getMessages()) {
      List<PendingMessage> pending =
          sync(
              "reclaim",
              commands ->
                  commands.xpending(
                      jobsKey,
                      GROUP,
                      Range.create(message.getId(), message.getId()),
                      Limit.from(1)));
      int attempt = pending.isEmpty() ? 2 : (int) Math.max(2, pending.get(0).getRedeliveryCount());
      Optional<JobQueue.Delivery> delivery = toDelivery(message, attempt);
      if (delivery.isPresent()) {
        LOG.info(
            "{} job reclaimed from a silent worker execution={} attempt={} consumer={}",
            logName,
            delivery.get().job().executionId(),
            attempt,
            consumerName);
        return delivery;
      }
    }
    return Optional.empty();
  }

  private Optional<JobQueue.Delivery> read(
      StatefulRedisConnection<String, String> on, long blockMillis) {
    XReadArgs args =
        blockMillis > 0
            ? XReadArgs.Builder.count(1).block(blockMillis)
            : XReadArgs.Builder.count(1);
    List<StreamMessage<String, String>> messages =
        withGroup(
            "take",
            () ->
                on.sync().xreadgroup(consumer, args, XReadArgs.StreamOffset.lastConsumed(jobsKey)));
    for (StreamMessage<String, String> message : messages) {
      Optional<JobQueue.Delivery> delivery = toDelivery(message, 1);
      if (delivery.isPresent()) {
        return delivery;
      }
    }
    return Optional.empty();
  }

  /**
   * What the tenant's list holds for the job: its execution's id, and after a line break the
   * execution as queued when it is small enough to carry (the stream entry's {@code queued}).
   */
  private static String listEntry(JobQueue.Job job) {
    String id = job.executionId().toString();
    return job.queued().flatMap(QueuedExecutions::encode).map(text -> id + "\n" + text).orElse(id);
  }

  /** The stream, the tenant's waiting list, the tenants' flags and the count of waiting jobs. */
  private String[] fairKeys(String tenant) {
    return new String[] {jobsKey, keyPrefix + ":tenant-jobs:" + tenant, tenantsKey, heldKey};
  }

  /**
   * The tenant's job was delivered: its next one, if any, joins the end of the stream. Sent without
   * waiting for the reply, so the delivered job starts a round trip sooner; what this queue sends
   * next on its connection (the job's ack, a stats read) still comes after it.
   */
  private void promoteNext(String tenant) {
    try {
      connection
          .async()
          .<Long>eval(FAIR_PROMOTE, ScriptOutputType.INTEGER, fairKeys(tenant), GROUP, "", tenant)
          .whenComplete(
              (promoted, e) -> {
                if (e != null) {
                  notPromoted(e);
                }
              });
    } catch (RedisException e) {
      notPromoted(e);
    }
  }

  private void notPromoted(Throwable e) {
    // The delivery stands; the tenant's next enqueue or take repairs its turn.
    LOG.warn("{} next job of a tenant not promoted error={}", logName, e.toString());
  }

  private Optional<JobQueue.Delivery> toDelivery(
      StreamMessage<String, String> message, int attempt) {
    Optional<JobQueue.Delivery> delivery = parse(message, attempt);
    delivery.ifPresent(d -> promoteNext(d.job().tenant()));
    return delivery;
  }

  private Optional<JobQueue.Delivery> parse(StreamMessage<String, String> message, int attempt) {
    Map<String, String> body = message.getBody();
    String execution = body == null ? null : body.get(FIELD_EXECUTION);
    try {
      UUID id = UUID.fromString(Objects.requireNonNull(execution));
      String queued = body.get(FIELD_QUEUED);
      return Optional.of(
          new JobQueue.Delivery(
              new JobQueue.Job(
                  id,
                  // An entry queued before jobs named their tenant is the default owner's.
                  body.getOrDefault(FIELD_TENANT, Session.ANONYMOUS),
                  queued == null ? Optional.empty() : QueuedExecutions.decode(id, queued)),
              message.getId(),
              attempt));
    } catch (RuntimeException e) {
      // Not a livecode job (or deleted under us): drop it so it cannot block the group.
      LOG.warn("{} stream entry is not a job, removed entry={}", logName, message.getId());
      sync(
          "ack",
          commands ->
              commands.eval(
                  ACK, ScriptOutputType.INTEGER, new String[] {jobsKey}, GROUP, message.getId()));
      return Optional.empty();
    }
  }

  private void heartbeat(String member, boolean force) {
    long now = System.nanoTime();
    Long last = lastBeat.get(member);
    if (force || last == null || now - last >= HEARTBEAT_EVERY.toNanos()) {
      lastBeat.put(member, now);
      sync(
          "heartbeat",
          commands ->
              commands.eval(
                  HEARTBEAT, ScriptOutputType.INTEGER, new String[] {workersKey}, member));
    }
  }

  private void createGroup() {
    try {
      // why: offset 0, not $: jobs added before the group existed (e.g. after Redis lost it) are
      // delivered.
      connection
          .sync()
          .xgroupCreate(
              XReadArgs.StreamOffset.from(jobsKey, "0"),
              GROUP,
              XGroupCreateArgs.Builder.mkstream());
      LOG.info("{} consumer group created stream={} group={}", logName, jobsKey, GROUP);
    } catch (RedisCommandExecutionException e) {
      if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
        throw failure("create group", e);
      }
    } catch (RedisException e) {
      throw failure("create group", e);
    }
  }

  /**
   * Runs a group command; if Redis lost the group (a restart without persistence), recreates it
   * once.
   */
  private <T> T withGroup(String operation, Supplier<T> command) {
    try {
      return call(operation, command);
    } catch (QueueException e) {
      if (e.getCause() instanceof RedisCommandExecutionException redis
          && redis.getMessage() != null
          && redis.getMessage().startsWith("NOGROUP")) {
        LOG.warn(
            "{} consumer group missing (Redis restarted without its data?), recreating stream={}",
            logName,
            jobsKey);
        createGroup();
        return call(operation, command);
      }
      throw e;
    }
  }

  /**
   * A command on the shared connection; its failure is a QueueException naming {@code operation}.
   */
  private <T> T sync(String operation, Function<RedisCommands<String, String>, T> command) {
    return call(operation, () -> command.apply(connection.sync()));
  }

  private <T> T call(String operation, Supplier<T> command) {
    try {
      return command.get();
    } catch (RedisCommandInterruptedException e) {
      throw e;
    } catch (RedisException e) {
      throw failure(operation, e);
    }
  }

  private QueueException failure(String operation, RedisException e) {
    String kind = e instanceof RedisCommandTimeoutException ? "timed out" : "failed";
    return new QueueException(
        "redis " + operation + " " + kind + " on " + maskedUri + ": " + RedisUris.describe(e, uri),
        e);
  }

  private StatefulRedisConnection<String, String> borrow() {
    StatefulRedisConnection<String, String> pooled = idleBlocking.pollFirst();
    if (pooled != null) {
      return pooled;
    }
    try {
      return client.connect(uri);
    } catch (RedisException e) {
      throw failure("connect", e);
    }
  }

  private void giveBack(StatefulRedisConnection<String, String> blocking, boolean healthy) {
    // why: after a timeout or interrupt a reply may still be on its way; never reuse that
    // connection.
    if (healthy && !closed.get() && blocking.isOpen()) {
      idleBlocking.offerFirst(blocking);
      if (closed.get() && idleBlocking.remove(blocking)) {
        blocking.close();
      }
    } else {
      blocking.closeAsync();
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException(logName + " is closed");
    }
  }

  private static String defaultConsumerName() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "host";
      }
    }
    return host
        + "-"
        + ProcessHandle.current().pid()
        + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
  }

  /** Settings for a {@link RedisQueue}; {@link #uri(String)} is required. */
  public static final class Builder {
    private RedisURI redisUri;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration lease = DEFAULT_LEASE;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private String consumerName;

    private Builder() {}

    /**
     * {@code redis://[[user]:password@]host[:port][/database]}, or {@code rediss://} for TLS.
     *
     * @throws IllegalArgumentException when the URL cannot be parsed (the message never shows a
     *     password)
     */
    public Builder uri(String value) {
      Objects.requireNonNull(value, "uri");
      if (!value.startsWith("redis://") && !value.startsWith("rediss://")) {
        throw new IllegalArgumentException(
            "uri must start with redis:// or rediss://, was "
                + value.replaceAll("//[^@/]*@", "//***@"));
      }
      try {
        this.redisUri = RedisURI.create(value);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "uri is not a Redis URL: " + value.replaceAll("//[^@/]*@", "//***@"));
      }
      return this;
    }

    /**
     * Prefix of every key; lets several installations (or tests) share one Redis. Default {@value
     * #DEFAULT_KEY_PREFIX}.
     */
    public Builder keyPrefix(String value) {
      Objects.requireNonNull(value, "keyPrefix");
      if (!PREFIX.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "keyPrefix must be 1 to 100 of [A-Za-z0-9_.:{}-], was '" + value + "'");
      }
      this.keyPrefix = value;
      return this;
    }

    /**
     * How long a job may go without a renewal before another worker claims it. The engine renews
     * every 2 s, so anything from 6 s up is safe; shorter values are for tests. Default 30 s.
     */
    public Builder lease(Duration value) {
      Objects.requireNonNull(value, "lease");
      if (value.toMillis() < 100 || value.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "lease must be 100 ms to 1 h, was " + value.toMillis() + " ms");
      }
      this.lease = value;
      return this;
    }

    /** Longest wait for one Redis command, and for connecting. Default 2 s. */
    public Builder commandTimeout(Duration value) {
      Objects.requireNonNull(value, "commandTimeout");
      if (value.toMillis() < 100 || value.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "commandTimeout must be 100 ms to 60 s, was " + value.toMillis() + " ms");
      }
      this.commandTimeout = value;
      return this;
    }

    /** This process's name in the consumer group; unique per process. Default host-pid-random. */
    public Builder consumerName(String value) {
      Objects.requireNonNull(value, "consumerName");
      if (value.isBlank() || value.length() > 200) {
        throw new IllegalArgumentException(
            "consumerName must be 1 to 200 characters, was '" + value + "'");
      }
      this.consumerName = value;
      return this;
    }

    /**
     * Connects, and creates the stream and group when missing.
     *
     * @throws IllegalArgumentException when no uri was given
     * @throws QueueException when Redis cannot be reached (one line, password masked)
     */
    public RedisQueue build() {
      if (redisUri == null) {
        throw new IllegalArgumentException("uri is required, e.g. redis://127.0.0.1:6379");
      }
      return new RedisQueue(this);
    }
  }
}
