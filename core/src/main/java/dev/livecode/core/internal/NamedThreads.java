package dev.livecode.core.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads named {@code livecode-<role>-<n>}, daemon so that a forgotten engine never pins the JVM.
 */
final class NamedThreads implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger next = new AtomicInteger();

  NamedThreads(String role) {
    this.prefix = "livecode-" + role + "-";
  }

  @Override
  public Thread newThread(Runnable runnable) {
    Thread thread = new Thread(runnable, prefix + next.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  }
}
