package dev.livecode.enginetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.LivecodeEngine;
import dev.livecode.sandbox.Isolation;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The hostile suite again with two ready sandboxes per language on the bwrap tier (no warm
 * interpreters): every attack runs in a sandbox made before it came, with its interpreter started
 * cold inside, and must be contained exactly as in a sandbox made for it.
 */
class ReadyHostileProgramsIT extends HostileProgramsIT {

  /** Ready sandboxes per language (the cold suite's start reads it: bwrap only). */
  static final int READY_SANDBOXES = 2;

  @Test
  void runsWithTheDefaultLimitsTakeReadySandboxes() throws Exception {
    LivecodeEngine engine = ENGINES.get(Isolation.BWRAP);
    for (Case c : bwrapBoth().toList()) {
      eventually("pool full", () -> WarmPools.full(engine, c.language()));
      long before = WarmPools.taken(engine, c.language());
      assertThat(run(c, "print('ready')", "console.log('ready')").stdout()).isEqualTo("ready\n");
      assertThat(WarmPools.taken(engine, c.language())).isEqualTo(before + 1);
    }
  }

  /** Hides the cold suite's cases: bwrap only. */
  static Stream<Case> allTiersBoth() {
    return bwrapBoth();
  }
}
