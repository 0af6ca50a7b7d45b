package dev.livecode.core.internal;

import dev.livecode.core.Limits;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The settled configuration of one engine, as the builder validated it; {@code warmPool} is the
 * number of warm processes kept per language that has a warm command (0: none); {@code
 * readySandboxes} the number of sandboxes made ahead per language without a warm pool; {@code
 * forkServers} whether warm interpreters of a runner whose warm command forks are forked from a
 * fork server where the sandbox offers one; {@code finishedExecutionCache} the number of finished
 * executions kept in memory (0: none).
 */
public record EngineConfig(
    String name,
    int workers,
    Limits defaultLimits,
    Limits maxLimits,
    int maxSourceBytes,
    int maxStdinBytes,
    long maxWaitingRuns,
    int maxAttempts,
    Duration shutdownGrace,
    Clock clock,
    Supplier<UUID> ids,
    int warmPool,
    int readySandboxes,
    boolean forkServers,
    int finishedExecutionCache) {}
