package dev.livecode.core.spi;

import java.util.Objects;

/**
 * A job handed to a worker.
 *
 * @param job the job
 * @param receipt what the queue needs to ack or renew this delivery
 * @param attempt 1 on first delivery, more when an earlier worker died with it
 */
public record Delivery(Job job, String receipt, int attempt) {
  public Delivery {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(receipt, "receipt");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
    }
  }
}
