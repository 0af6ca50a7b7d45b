package dev.livecode.core.internal;

import dev.livecode.core.Limits;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/** The settled configuration of one engine, as the builder validated it. */
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
    Supplier<UUID> ids) {}
