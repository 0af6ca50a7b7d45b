package dev.livecode.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One page of a listing, and the cursor of the next page when there is one. */
public record Page<T>(List<T> items, Optional<String> nextCursor) {
  public Page {
    items = List.copyOf(items);
    Objects.requireNonNull(nextCursor, "nextCursor");
  }
}
