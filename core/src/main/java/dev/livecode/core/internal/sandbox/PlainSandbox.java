package dev.livecode.core.internal.sandbox;

import dev.livecode.core.IsolationMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code none} tier: a plain subprocess in its own session (so its process group can be
 * killed), with rlimits for CPU time and file size set by the shell before it execs the program.
 */
public final class PlainSandbox implements Sandbox {

  @Override
  public IsolationMode tier() {
    return IsolationMode.NONE;
  }

  @Override
  public List<String> enforcedLimits() {
    return List.of("wall_time", "cpu_time", "file_size", "output");
  }

  @Override
  public SandboxedProcess start(LaunchSpec spec) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("/usr/bin/setsid");
    command.addAll(RlimitShell.wrap(spec.limits(), spec.argv()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(spec.workspace().toFile());
    builder.environment().clear();
    builder.environment().putAll(spec.env());
    builder.environment().put("HOME", spec.workspace().toString());
    builder.environment().put("TMPDIR", spec.workspace().toString());
    return new TreeKillingProcess(builder.start());
  }
}
