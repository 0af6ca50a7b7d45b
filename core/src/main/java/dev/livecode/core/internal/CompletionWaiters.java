package dev.livecode.core.internal;

import dev.livecode.core.spi.ExecutionEvents;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Requests waiting for executions to end, woken by execution events (no polling). */
final class CompletionWaiters implements Consumer<ExecutionEvents.Event> {
  private final ConcurrentHashMap<UUID, Set<CompletableFuture<Void>>> waiting =
      new ConcurrentHashMap<>();

  CompletableFuture<Void> register(UUID executionId) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    waiting.computeIfAbsent(executionId, id -> ConcurrentHashMap.newKeySet()).add(future);
    return future;
  }

  void unregister(UUID executionId, CompletableFuture<Void> future) {
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
    Set<CompletableFuture<Void>> futures = waiting.remove(event.executionId());
    if (futures != null) {
      futures.forEach(future -> future.complete(null));
    }
  }
}
