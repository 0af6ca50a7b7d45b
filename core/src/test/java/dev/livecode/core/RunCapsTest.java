package dev.livecode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.testing.TestRunners;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A run's own caps (a tenant's) lower the server's for that run alone. */
class RunCapsTest {
  private static final Limits.Overrides CAPS =
      Limits.Overrides.NONE.withWallTime(Duration.ofMillis(800)).withMemoryBytes(64L << 20);

  private LivecodeEngine engine;
  private Session session;

  @BeforeEach
  void start() {
    // No workers: runs stay queued, and their limits are what the engine resolved.
    engine =
        Livecode.builder().workers(0).discoverRunners(false).runner(TestRunners.python()).build();
    session = engine.createSession("python", "print(1)");
  }

  @AfterEach
  void stop() {
    engine.close();
  }

  @Test
  void aLimitAboveTheRunsCapIsRefusedNamingTheCap() {
    RunRequest run =
        RunRequest.of(session.id())
            .withCaps(CAPS)
            .withLimits(Limits.Overrides.NONE.withWallTime(Duration.ofMillis(900)));

    assertThatThrownBy(() -> engine.run(run))
        .isInstanceOf(LivecodeException.InvalidRequest.class)
        .hasMessageContaining("wall_time_ms 900 is above the cap of 800");
  }

  @Test
  void aDefaultAboveTheRunsCapIsLoweredToIt() {
    Execution queued = engine.run(RunRequest.of(session.id()).withCaps(CAPS));

    assertThat(queued.limits().wallTime()).isEqualTo(Duration.ofMillis(800));
    assertThat(queued.limits().memoryBytes()).isEqualTo(64L << 20);
    assertThat(queued.limits().cpuTime()).isEqualTo(Limits.DEFAULTS.cpuTime());
  }

  @Test
  void aRunsCapAboveTheServersLeavesTheServersInForce() {
    RunRequest run =
        RunRequest.of(session.id())
            .withCaps(
                Limits.Overrides.NONE.withWallTime(Limits.DEFAULT_CAPS.wallTime().plusDays(1)))
            .withLimits(
                Limits.Overrides.NONE.withWallTime(Limits.DEFAULT_CAPS.wallTime().plusMillis(1)));

    assertThatThrownBy(() -> engine.run(run)).isInstanceOf(LivecodeException.InvalidRequest.class);
  }
}
