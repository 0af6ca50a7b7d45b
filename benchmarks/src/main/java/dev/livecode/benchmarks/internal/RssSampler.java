package dev.livecode.benchmarks.internal;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Samples the VmRSS of the watched server processes every 100 ms and keeps each one's peak. */
public final class RssSampler implements AutoCloseable {
  private final List<ServerProcess> watched = new CopyOnWriteArrayList<>();
  private final Map<String, Long> peakKib = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  public RssSampler() {
    thread = new Thread(this::loop, "livecode-bench-rss");
    thread.setDaemon(true);
    thread.start();
  }

  public void watch(ServerProcess process) {
    watched.add(process);
  }

  public void unwatch(ServerProcess process) {
    watched.remove(process);
  }

  /** Forgets the peaks so far: the next {@link #peakMib} covers what follows. */
  public void reset() {
    peakKib.clear();
  }

  /** The peak RSS of {@code process} since the last reset, in MiB (NaN if never sampled). */
  public double peakMib(ServerProcess process) {
    sample();
    Long kib = peakKib.get(process.name());
    return kib == null ? Double.NaN : kib / 1024.0;
  }

  /** The RSS of {@code process} now, in MiB (NaN if it is gone). */
  public static double nowMib(ServerProcess process) {
    OptionalLong kib = process.rssKib();
    return kib.isPresent() ? kib.getAsLong() / 1024.0 : Double.NaN;
  }

  private void loop() {
    while (running) {
      sample();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() {
    for (ServerProcess p : watched) {
      p.rssKib().ifPresent(kib -> peakKib.merge(p.name(), kib, Math::max));
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
