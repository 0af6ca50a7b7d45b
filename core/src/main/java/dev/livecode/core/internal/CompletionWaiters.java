package dev.livecode.core.internal;

import dev.livecode.core.spi.ExecutionEvents;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Requests waiting for executions to end, woken by execution events (no polling); each is completed
 * with the event that ended it.
 */
final class CompletionWaiters implements Consumer<ExecutionEvents.Event> {
  private final ConcurrentHashMap<UUID, Set<CompletableFuture<ExecutionEvents.Event>>> waiting =
      new ConcurrentHashMap<>();

  CompletableFuture<ExecutionEvents.Event> register(UUID executionId) {
    CompletableFuture<ExecutionEvents.Event> future = new CompletableFuture<>();
    waiting.computeIfAbsent(executionId, id -> ConcurrentHashMap.newKeySet()).add(future);
    return future;
  }

  void unregister(UUID executionId, CompletableFuture<ExecutionEvents.Event> future) {
    waiting.computeIfPresent(
        executionId,
        (id, futures) -> {
          futures.remove(future);
          return futures.isEmpty() ? null : futures;
        });
  }

  @Override
  public void accept(ExecutionEvents.Event event) {
    if (!event.status().isFinal()) {
      return;
    }
    Set<CompletableFuture<ExecutionEvents.Event>> futures = waiting.remove(event.executionId());
    if (futures != null) {
      futures.forEach(future -> future.complete(event));
    }
  }
}
