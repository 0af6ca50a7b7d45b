package dev.livecode.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A language the engine knows, and whether it can run here.
 *
 * @param note what the engine chose on its own for this language (an interpreter the sandbox can
 *     reach in place of the one found first), or empty
 */
public record LanguageInfo(
    String id,
    String name,
    String version,
    List<String> aliases,
    boolean available,
    Optional<String> unavailableReason,
    Optional<String> note) {
  public LanguageInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    aliases = List.copyOf(aliases);
    Objects.requireNonNull(unavailableReason, "unavailableReason");
    Objects.requireNonNull(note, "note");
  }
}
