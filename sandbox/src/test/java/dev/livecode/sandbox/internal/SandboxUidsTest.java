package dev.livecode.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxUidsTest {

  @Test
  void leasesHeldAtOnceHaveDistinctUids(@TempDir Path tmp) {
    SandboxUids uids = new SandboxUids(60000, 2, tmp);
    try (SandboxUids.Lease first = uids.acquire();
        SandboxUids.Lease second = uids.acquire()) {
      assertThat(first.uid()).isNotEqualTo(second.uid());
      assertThat(first.uid()).isBetween(60000, 60001);
      assertThat(second.uid()).isBetween(60000, 60001);
    }
  }

  @Test
  void acquireWaitsUntilAUidIsGivenBack(@TempDir Path tmp) throws Exception {
    SandboxUids uids = new SandboxUids(60000, 1, tmp);
    SandboxUids.Lease held = uids.acquire();
    CompletableFuture<SandboxUids.Lease> waiting = CompletableFuture.supplyAsync(uids::acquire);
    Thread.sleep(200);
    assertThat(waiting).isNotDone();
    held.close();
    try (SandboxUids.Lease next = waiting.get(10, TimeUnit.SECONDS)) {
      assertThat(next.uid()).isEqualTo(60000);
    }
  }

  @Test
  void twoServersSharingTheLockFolderNeverHandOutTheSameUid(@TempDir Path tmp) {
    SandboxUids one = new SandboxUids(60000, 2, tmp);
    SandboxUids other = new SandboxUids(60000, 2, tmp);
    try (SandboxUids.Lease a = one.acquire();
        SandboxUids.Lease b = other.acquire()) {
      assertThat(a.uid()).isNotEqualTo(b.uid());
    }
  }

  @Test
  void refusesARangeHoldingAnAccountsId(@TempDir Path tmp) throws Exception {
    // nobody (65534) is in every Debian /etc/passwd.
    assertThat(Files.readString(Path.of("/etc/passwd"))).contains(":65534:");
    assertThatThrownBy(() -> new SandboxUids(65000, 1000, tmp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65534");
  }

  @Test
  void refusesRootAndSystemUids(@TempDir Path tmp) {
    assertThatThrownBy(() -> new SandboxUids(0, 10, tmp))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SandboxUids(999, 10, tmp))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keepsTheLockFolderPrivate(@TempDir Path tmp) throws Exception {
    Path locks = tmp.resolve("locks");
    new SandboxUids(60000, 1, locks);
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(locks)))
        .isEqualTo("rwx------");
  }
}
