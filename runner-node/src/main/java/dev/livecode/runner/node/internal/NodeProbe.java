package dev.livecode.runner.node.internal;

import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.sandbox.HostCommands;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Finds node and its version, once, at probe time. */
public final class NodeProbe {
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  private NodeProbe() {}

  /** Probes node as the settings say; the version is node's without the leading {@code v}. */
  public static LanguageRunner.Probe probe(LanguageRunner.Settings settings) {
    Optional<Path> found = HostCommands.locate(settings.interpreter(), "node");
    if (found.isEmpty()) {
      return LanguageRunner.Probe.unavailable(
          settings
              .interpreter()
              .map(path -> path + " is not an executable file; check --node or LIVECODE_NODE")
              .orElse("node not found on PATH; set --node or LIVECODE_NODE"));
    }
    Path executable;
    String version;
    try {
      executable = found.get().toRealPath();
      version =
          HostCommands.run(List.of(executable.toString(), "--version"), PROBE_TIMEOUT).strip();
    } catch (IOException e) {
      return LanguageRunner.Probe.unavailable(found.get() + " does not run: " + e.getMessage());
    }
    if (version.startsWith("v")) {
      version = version.substring(1);
    }
    // node is one file; an install outside /usr (nvm, a tarball) is shown as its prefix.
    List<Path> visible =
        HostCommands.isSystemPath(executable) ? List.of() : List.of(prefixOf(executable));
    return LanguageRunner.Probe.available(version, executable, visible);
  }

  private static Path prefixOf(Path executable) {
    Path bin = executable.getParent();
    return bin.getFileName() != null
            && bin.getFileName().toString().equals("bin")
            && bin.getParent() != null
        ? bin.getParent()
        : bin;
  }
}
