package dev.livecode.queue.redis.internal;

import dev.livecode.core.exception.QueueException;
import dev.livecode.core.spi.ExecutionEvents;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Execution events over Redis pub/sub: every node publishes to one channel and hears every node,
 * itself included. One subscriber connection per queue; Lettuce resubscribes after a reconnect.
 * Best-effort, as the SPI says: when Redis cannot take a message, listeners in this JVM still hear
 * it, and waiters elsewhere fall back to re-reading the store at their deadline.
 *
 * <p>Message: {@code <execution-uuid> <STATUS>}, with the end after it when it is small (see {@link
 * EventMessages}).
 */
public final class RedisEvents implements ExecutionEvents {
  private static final Logger LOG = LoggerFactory.getLogger(RedisEvents.class);

  private final String channel;
  private final String logName;
  private final StatefulRedisConnection<String, String> commands;
  private final StatefulRedisPubSubConnection<String, String> subscriber;
  private final CopyOnWriteArrayList<Consumer<ExecutionEvents.Event>> listeners =
      new CopyOnWriteArrayList<>();
  // why: Lettuce calls back on its I/O thread, which must never run listener code.
  private final ExecutorService dispatcher;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final RedisLiveLogs liveLogs;

  /**
   * Connects the subscriber and subscribes to {@code channel}.
   *
   * @throws QueueException when Redis cannot be reached
   */
  public RedisEvents(
      RedisClient client,
      RedisURI uri,
      StatefulRedisConnection<String, String> commands,
      String channel,
      RedisLiveLogs liveLogs,
      String logName) {
    this.channel = channel;
    this.liveLogs = liveLogs;
    this.logName = logName;
    this.commands = commands;
    try {
      this.subscriber = client.connectPubSub(uri);
    } catch (RedisException e) {
      liveLogs.close();
      throw new QueueException(
          "cannot connect the event subscriber to Redis at "
              + RedisUris.masked(uri)
              + ": "
              + RedisUris.describe(e, uri),
          e);
    }
    this.dispatcher =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "livecode-redis-events-1");
              thread.setDaemon(true);
              return thread;
            });
    subscriber.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String from, String message) {
            if (channel.equals(from)) {
              receive(message);
            }
          }
        });
    try {
      subscriber.sync().subscribe(channel);
    } catch (RedisException e) {
      subscriber.close();
      dispatcher.shutdownNow();
      liveLogs.close();
      throw new QueueException(
          "cannot subscribe to "
              + channel
              + " on "
              + RedisUris.masked(uri)
              + ": "
              + RedisUris.describe(e, uri),
          e);
    }
    LOG.info("{} redis events subscribed channel={}", logName, channel);
  }

  /**
   * Sent without waiting for Redis's reply: the caller (a worker between a run's stored result and
   * its ack) goes on at once, and the message still leaves before anything the caller sends next on
   * the same connection.
   */
  @Override
  public void publish(ExecutionEvents.Event event) {
    Objects.requireNonNull(event, "event");
    try {
      commands
          .async()
          .publish(channel, EventMessages.encode(event))
          .whenComplete(
              (receivers, e) -> {
                if (e != null) {
                  notPublished(event, e);
                }
              });
    } catch (RedisException e) {
      notPublished(event, e);
    }
  }

  /** Best-effort: tell this JVM directly; other nodes re-read the store at their deadline. */
  private void notPublished(ExecutionEvents.Event event, Throwable e) {
    LOG.warn(
        "{} redis event not published, delivered locally only execution={} status={} error={}",
        logName,
        event.executionId(),
        event.status(),
        e.toString());
    dispatch(event);
  }

  /** Every execution's events in a Redis stream of its own, readable on every node. */
  @Override
  public Optional<ExecutionEvents.LiveLogs> liveLogs() {
    return Optional.of(liveLogs);
  }

  @Override
  public Subscription subscribe(Consumer<ExecutionEvents.Event> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void receive(String message) {
    try {
      dispatch(EventMessages.decode(message));
    } catch (RuntimeException e) {
      LOG.debug("{} redis event ignored, not understood length={}", logName, message.length());
    }
  }

  private void dispatch(ExecutionEvents.Event event) {
    if (closed.get()) {
      return;
    }
    try {
      dispatcher.execute(
          () -> {
            for (Consumer<ExecutionEvents.Event> listener : listeners) {
              try {
                listener.accept(event);
              } catch (RuntimeException e) {
                LOG.warn(
                    "{} event listener failed execution={} error={}",
                    logName,
                    event.executionId(),
                    e.toString());
              }
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  /** Unsubscribes and closes the subscriber connection; harmless when called twice. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    listeners.clear();
    liveLogs.close();
    subscriber.close();
    dispatcher.shutdown();
    try {
      if (!dispatcher.awaitTermination(1, TimeUnit.SECONDS)) {
        dispatcher.shutdownNow();
      }
    } catch (InterruptedException e) {
      dispatcher.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
