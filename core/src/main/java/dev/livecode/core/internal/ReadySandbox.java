package dev.livecode.core.internal;

import dev.livecode.core.spi.LanguageRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a ready sandbox waits to run: the one file and the run command every program of its language
 * gets (found by preparing an empty program), so that any program with that file name and that
 * command can run in a sandbox made before it came.
 *
 * <p>The waiting process is {@link #STAGE}, a shell inside the sandbox: it reads the header line
 * with the source's byte length and exactly that many bytes into the file ({@code head -c} reads no
 * further, so the rest of stdin stays the program's), then execs the run command: the same protocol
 * as a warm interpreter's, the same process, limits and workspace as a cold run.
 */
record ReadySandbox(String file, LanguageRunner.Command run) {
  static final String STAGE = "read -r size && head -c \"$size\" > \"$1\" && shift && exec \"$@\"";

  /**
   * The ready sandbox for a runner's programs, when they are one file at the top of the workspace
   * with no compile step.
   */
  static Optional<ReadySandbox> of(LanguageRunner.Program sample) {
    if (sample.compile().isPresent() || sample.run().isEmpty() || sample.files().size() != 1) {
      return Optional.empty();
    }
    String file = sample.files().keySet().iterator().next();
    if (file.contains("/")) {
      return Optional.empty();
    }
    return Optional.of(new ReadySandbox(file, sample.run().get()));
  }

  /** The command the sandbox waits in: {@link #STAGE} with the file and the run command. */
  LanguageRunner.Command stage() {
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", STAGE, "sh", file));
    argv.addAll(run.argv());
    return new LanguageRunner.Command(argv, run.env(), run.timeLimit());
  }

  boolean accepts(LanguageRunner.Program program) {
    return program.files().keySet().equals(Set.of(file)) && program.run().equals(Optional.of(run));
  }
}
