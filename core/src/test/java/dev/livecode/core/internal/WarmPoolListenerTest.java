package dev.livecode.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.EngineListener;
import dev.livecode.core.Limits;
import dev.livecode.sandbox.ConfinedProcess;
import dev.livecode.sandbox.Isolation;
import dev.livecode.sandbox.LaunchSpec;
import dev.livecode.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm pool tells its listener of every take: a hit when a process was waiting, a miss when none
 * was.
 */
class WarmPoolListenerTest {
  @TempDir Path root;

  private final List<String> told = Collections.synchronizedList(new ArrayList<>());
  private final EngineListener listener =
      new EngineListener() {
        @Override
        public void warmPoolHit(String language) {
          told.add("hit " + language);
        }

        @Override
        public void warmPoolMiss(String language) {
          told.add("miss " + language);
        }
      };
  private WarmPool pool;

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close();
    }
  }

  private WarmPool pool(Sandbox sandbox) {
    Workspaces workspaces = new Workspaces(root.resolve("workspaces"));
    pool =
        new WarmPool(
            "python",
            1,
            sandbox,
            Optional.empty(),
            workspaces,
            Optional.empty(),
            Limits.DEFAULTS,
            workspace ->
                new LaunchSpec(
                    List.of("sleep", "30"),
                    Map.of(),
                    workspace,
                    List.of(),
                    ProgramExecutor.sandboxLimits(Limits.DEFAULTS),
                    false),
            new NamedThreads("warm-test"),
            listener);
    return pool;
  }

  @Test
  void takeFromAPoolWithNothingWaitingIsAMiss() {
    WarmPool pool = pool(new FakeSandbox(false));

    assertThat(pool.take()).isEmpty();

    assertThat(told).containsExactly("miss python");
  }

  @Test
  void takeOfAWaitingProcessIsAHit() throws Exception {
    WarmPool pool = pool(new FakeSandbox(true));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (pool.ready() < 1) {
      assertThat(System.nanoTime()).as("a process waiting").isLessThan(deadline);
      Thread.sleep(5);
    }

    Optional<WarmPool.Warm> taken = pool.take();

    assertThat(taken).isPresent();
    taken.get().close();
    assertThat(told).containsExactly("hit python");
  }

  /** Starts {@code sleep 30} as a plain process, or fails every start. */
  private record FakeSandbox(boolean starts) implements Sandbox {
    @Override
    public Isolation tier() {
      return Isolation.NONE;
    }

    @Override
    public List<String> enforcedLimits() {
      return List.of();
    }

    @Override
    public ConfinedProcess start(LaunchSpec spec) throws IOException {
      if (!starts) {
        throw new IOException("this sandbox starts nothing (test)");
      }
      Process process = new ProcessBuilder(spec.argv()).start();
      return new ConfinedProcess() {
        @Override
        public Process process() {
          return process;
        }

        @Override
        public void killAll() {
          process.destroyForcibly();
        }

        @Override
        public Verdict await(Duration wallTime) {
          throw new UnsupportedOperationException("no program runs in this test");
        }

        @Override
        public void close() {
          process.destroyForcibly();
        }
      };
    }
  }
}
