package dev.livecode.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Joining work that ran on another thread as if it had run on this one. */
final class Futures {
  private Futures() {}

  /** The value; what the work threw (unchecked) is thrown here as it was. */
  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }
}
