package dev.livecode.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A language the engine knows, and whether it can run here. */
public record LanguageInfo(
    String id,
    String name,
    String version,
    List<String> aliases,
    boolean available,
    Optional<String> unavailableReason) {
  public LanguageInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    aliases = List.copyOf(aliases);
    Objects.requireNonNull(unavailableReason, "unavailableReason");
  }
}
