package dev.livecode.enginetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.LivecodeEngine;
import dev.livecode.sandbox.Isolation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The hostile suite again with two warm processes per language on the bwrap tier: every attack runs
 * in a pre-started interpreter (python's forked from the fork server, node's started in bwrap) and
 * must be contained exactly as a cold run is, and leave nothing beyond the refilled pools. The
 * unshare cases are left to the cold suite.
 */
class WarmHostileProgramsIT extends HostileProgramsIT {

  /** Warm processes per language (the cold suite's start reads it: bwrap only, with pools). */
  static final int WARM_POOL = 2;

  @Test
  void runsWithTheDefaultLimitsTakeWarmProcesses() throws Exception {
    LivecodeEngine engine = ENGINES.get(Isolation.BWRAP);
    for (Case c : bwrapBoth().toList()) {
      eventually("pool full", () -> WarmPools.full(engine, c.language()));
      long before = WarmPools.taken(engine, c.language());
      assertThat(run(c, "print('warm')", "console.log('warm')").stdout()).isEqualTo("warm\n");
      assertThat(WarmPools.taken(engine, c.language())).isEqualTo(before + 1);
    }
  }

  @Test
  void pythonWarmInterpretersAreForkedFromAForkServer() throws Exception {
    LivecodeEngine engine = ENGINES.get(Isolation.BWRAP);
    eventually("pool full", () -> WarmPools.full(engine, "python"));

    assertThat(ProcessHandle.current().children())
        .as("a fork server among the engine's processes")
        .anyMatch(WarmHostileProgramsIT::isForkServer);
    assertThat(
            ProcessHandle.current()
                .descendants()
                .filter(p -> p.parent().map(WarmHostileProgramsIT::isForkServer).orElse(false)))
        .as("the pool's python processes are its children")
        .hasSizeGreaterThanOrEqualTo(WARM_POOL);
  }

  private static boolean isForkServer(ProcessHandle process) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"))
          .contains("def _forkserver");
    } catch (IOException e) {
      return false;
    }
  }

  /** Hides the cold suite's cases: bwrap only. */
  static Stream<Case> allTiersBoth() {
    return bwrapBoth();
  }
}
