package dev.livecode.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostSandboxTest {
  private static final SeccompFilter NO_FILTER = SeccompFilter.install();

  private static Optional<SandboxUids> ownUids(Path tmp) {
    return Optional.of(new SandboxUids(Sandbox.DEFAULT_FIRST_UID, 4, tmp.resolve("uid-locks")));
  }

  @Test
  void reportsAnInterpreterUnderAPrivateFolderUnreachableWithOwnUids(@TempDir Path tmp)
      throws Exception {
    Path home =
        Files.createDirectory(
            tmp.resolve("home"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path prefix = Files.createDirectories(home.resolve(".pyenv/versions/3.11.7"));
    Optional<String> why =
        HostSandbox.unshare(Optional.empty(), ownUids(tmp), NO_FILTER).unreachable(List.of(prefix));
    assertThat(why)
        .hasValueSatisfying(
            reason -> assertThat(reason).contains(home.toString()).contains("/usr"));
  }

  @Test
  void reachesSystemFoldersWithOwnUids(@TempDir Path tmp) {
    assertThat(
            HostSandbox.unshare(Optional.empty(), ownUids(tmp), NO_FILTER)
                .unreachable(List.of(Path.of("/usr/bin"))))
        .isEmpty();
  }

  @Test
  void reachesEverythingItsUserCanWithTheServersUid(@TempDir Path tmp) throws Exception {
    Path home =
        Files.createDirectory(
            tmp.resolve("home"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    assertThat(
            HostSandbox.unshare(Optional.empty(), Optional.empty(), NO_FILTER)
                .unreachable(List.of(home)))
        .isEmpty();
  }
}
