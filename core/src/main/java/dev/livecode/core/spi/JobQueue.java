package dev.livecode.core.spi;

import dev.livecode.core.Execution;
import dev.livecode.core.Session;
import dev.livecode.core.exception.QueueException;
import dev.livecode.core.internal.InMemoryQueue;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The queue between run requests and workers, with at-least-once delivery: a job is delivered until
 * it is acknowledged; a worker acknowledges only after the result is stored. A queue that outlives
 * its processes ({@link #durable()}) hands the jobs of a dead worker to another after a lease,
 * counting attempts.
 *
 * <p>Failures to reach the queue are {@link QueueException}s.
 *
 * @since 0.1
 */
public interface JobQueue extends AutoCloseable {

  /**
   * A thread-safe queue in this JVM's memory; nothing survives a restart. It hands out jobs round
   * robin across the tenants with jobs waiting, each tenant's in the order queued.
   */
  static JobQueue inMemory() {
    return new InMemoryQueue();
  }

  void enqueue(Job job);

  /** Waits up to {@code maxWait} for a job; empty on timeout or when the thread is interrupted. */
  Optional<Delivery> take(Duration maxWait);

  /** The job is done (its result is stored): never deliver it again. */
  void ack(Delivery delivery);

  /** The worker is still busy with the job: extend its lease. */
  default void renew(Delivery delivery) {}

  /** The job failed too often: park it where operators can see it, and stop delivering it. */
  default void deadLetter(Delivery delivery, String reason) {
    ack(delivery);
  }

  Stats stats();

  /** True when queued jobs survive the death of this process. */
  default boolean durable() {
    return false;
  }

  /**
   * How a finished run is announced to the processes that share this queue, so that a waiter on one
   * node wakes on another node's result. The engine uses them unless {@code
   * LivecodeBuilder.events(..)} names others, and never closes them: the queue does, in {@link
   * #close()}. A queue shared by several processes overrides this and returns the same instance on
   * every call. Default: events within this JVM only.
   *
   * @since 0.3
   */
  default ExecutionEvents events() {
    return ExecutionEvents.local();
  }

  /** Stops this process's use of the queue; harmless when called twice. */
  @Override
  default void close() {}

  /**
   * Makes queues of one kind, so that an application can choose one by name from its configuration
   * without compiling against it (the standalone server's {@code --queue redis}). Found with {@link
   * java.util.ServiceLoader}: an implementation has a public no-argument constructor and a line in
   * {@code META-INF/services/dev.livecode.core.spi.JobQueue$Provider}.
   *
   * @since 0.3
   */
  interface Provider {
    /** The name it is chosen by, in lower case: {@code redis}. */
    String name();

    /**
     * A queue ready for use, with its {@link JobQueue#events() events}, which the caller closes.
     * The settings are keyed by names the provider documents; one not given keeps the provider's
     * default.
     *
     * @throws IllegalArgumentException for a setting the provider does not know, or a bad value
     * @throws QueueException when the queue cannot be reached
     */
    JobQueue create(Map<String, String> settings);
  }

  /**
   * A queued run: the execution to perform, and whose it is. Everything else is in the store.
   *
   * @param tenant the owner of the execution's session: a queue that can, hands out the jobs of the
   *     tenants with jobs waiting in turn, so that one tenant's many runs do not hold back
   *     another's
   * @param queued the execution as the store holds it once queued, when the engine offers it and
   *     the queue carries it (since 0.5): a worker taking the job on its first delivery starts from
   *     it without reading the store. A queue may leave it out (a large source), and a worker then
   *     reads the store.
   */
  record Job(UUID executionId, String tenant, Optional<Execution> queued) {
    public Job {
      Objects.requireNonNull(executionId, "executionId");
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(queued, "queued");
      if (queued.isPresent()
          && (!queued.get().id().equals(executionId)
              || queued.get().status() != Execution.Status.QUEUED)) {
        throw new IllegalArgumentException(
            "the queued execution of a job is that job's, and QUEUED: was "
                + queued.get().id()
                + " "
                + queued.get().status());
      }
    }

    /** A job without the execution. */
    public Job(UUID executionId, String tenant) {
      this(executionId, tenant, Optional.empty());
    }

    /** A job of {@link Session#ANONYMOUS}. */
    public Job(UUID executionId) {
      this(executionId, Session.ANONYMOUS);
    }

    /** The job of {@code queued}, a QUEUED execution as its store holds it, carried with it. */
    public static Job of(Execution queued, String tenant) {
      return new Job(queued.id(), tenant, Optional.of(queued));
    }
  }

  /**
   * A job handed to a worker.
   *
   * @param job the job
   * @param receipt what the queue needs to ack or renew this delivery
   * @param attempt 1 on first delivery, more when an earlier worker died with it
   */
  record Delivery(Job job, String receipt, int attempt) {
    public Delivery {
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(receipt, "receipt");
      if (attempt < 1) {
        throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
      }
    }
  }

  /**
   * @param waiting jobs not yet taken by a worker
   * @param inFlight jobs taken and not yet acknowledged
   * @param liveWorkers workers seen alive recently across all nodes, when the queue can tell
   */
  record Stats(long waiting, long inFlight, OptionalLong liveWorkers) {
    public Stats {
      Objects.requireNonNull(liveWorkers, "liveWorkers");
    }
  }
}
