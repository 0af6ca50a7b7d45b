package dev.livecode.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompFilterTest {

  /**
   * The checked-in BPF program is what its generator makes: neither can change without the other.
   * Needs libseccomp's Python binding (Debian: python3-seccomp, installed by scripts/services.sh).
   */
  @Test
  void checkedInFilterIsWhatTheGeneratorMakes(@TempDir Path tmp) throws Exception {
    Path generator = Path.of("src/main/seccomp/generate.py");
    Path generated = tmp.resolve("filter.bpf");
    Process process =
        new ProcessBuilder("/usr/bin/python3", generator.toString(), generated.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("generator output: %s", output).isZero();
    try (InputStream checkedIn = SeccompFilter.class.getResourceAsStream(SeccompFilter.RESOURCE)) {
      assertThat(checkedIn).isNotNull();
      assertThat(Files.readAllBytes(generated)).isEqualTo(checkedIn.readAllBytes());
    }
  }

  /** The worker container's profile in deploy/ is the same deny list, less what bwrap needs. */
  @Test
  void containerProfileIsWhatTheGeneratorMakes(@TempDir Path tmp) throws Exception {
    Path generated = tmp.resolve("profile.json");
    Process process =
        new ProcessBuilder(
                "/usr/bin/python3",
                "src/main/seccomp/generate.py",
                "--docker-profile",
                generated.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("generator output: %s", output).isZero();
    String profile = Files.readString(generated);
    assertThat(Files.readString(Path.of("../deploy/seccomp-worker.json"))).isEqualTo(profile);
    assertThat(profile)
        .contains("\"io_uring_setup\"")
        .doesNotContain("\"unshare\"")
        .doesNotContain("\"mount\"");
  }

  @Test
  void installsTheFilterWhereOnlyTheServerReadsIt() throws Exception {
    SeccompFilter filter = SeccompFilter.install();
    try {
      assertThat(filter.file()).isPresent();
      assertThat(Files.size(filter.file().get()) % 8).as("whole sock_filter instructions").isZero();
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(filter.file().get().getParent())))
          .isEqualTo("rwx------");
    } finally {
      filter.delete();
    }
    assertThat(filter.file().get()).doesNotExist();
  }
}
