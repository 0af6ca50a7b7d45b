package dev.livecode.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bwrap tier: namespaces of its own and a file view of only what it mounts. */
class BwrapTierIT extends SandboxTierIT {

  @Override
  Isolation tier() {
    return Isolation.BWRAP;
  }

  @Override
  boolean ownNetwork() {
    return true;
  }

  @Override
  boolean privateFileView() {
    return true;
  }

  /**
   * The system folders are read-only binds of the host's; what the program may write (its
   * workspace, /tmp, /dev, and the root and /etc, which bwrap makes as folders of its own) is the
   * sandbox's own, in memory, and goes with it. The program's own files are read-only copies.
   */
  @Test
  void writesNothingOfTheHostsOutsideItsWorkspaceAndItsWritesStayInTheSandbox() throws Exception {
    String marker = "written-" + System.nanoTime();
    Path workspace = workspace();
    Files.writeString(workspace.resolve("main.txt"), "given\n");
    String attempts =
        "for d in /usr /usr/bin /bin /lib /proc/sys /dev /work / /etc /tmp; do touch $d/"
            + marker
            + " 2>/dev/null && echo wrote $d; done; echo changed >> main.txt; cat main.txt; ls "
            + root
            + " 2>/dev/null && echo saw the host";

    Ran ran =
        run(
            new LaunchSpec(
                List.of("/bin/sh", "-c", attempts),
                Map.of("PATH", "/usr/bin:/bin"),
                workspace,
                List.of(),
                LIMITS,
                false),
            "");

    assertThat(ran.stdout())
        .isEqualTo("wrote /dev\nwrote /work\nwrote /\nwrote /etc\nwrote /tmp\ngiven\n");
    assertThat(ran.stderr()).contains("main.txt");
    for (String dir : List.of("/", "/etc", "/tmp", "/usr", "/dev", workspace.toString())) {
      assertThat(Path.of(dir, marker)).as("on the host").doesNotExist();
    }
    assertThat(Files.readString(workspace.resolve("main.txt"))).isEqualTo("given\n");
  }

  @Test
  void aStepThatWritesBackLeavesItsFilesInTheHostWorkspace() throws Exception {
    Path workspace = workspace();

    Ran ran =
        run(
            new LaunchSpec(
                List.of("/bin/sh", "-c", "echo compiled > out.bin; pwd"),
                Map.of("PATH", "/usr/bin:/bin"),
                workspace,
                List.of(),
                LIMITS,
                true),
            "");

    assertThat(ran.stdout()).isEqualTo(LaunchSpec.SANDBOX_WORKDIR + "\n");
    assertThat(Files.readString(workspace.resolve("out.bin"))).isEqualTo("compiled\n");
  }
}
