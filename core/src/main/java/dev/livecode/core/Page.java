package dev.livecode.core;

import dev.livecode.core.exception.LivecodeException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One page of a listing, and the cursor of the next page when there is one. */
public record Page<T>(List<T> items, Optional<String> nextCursor) {
  public Page {
    items = List.copyOf(items);
    Objects.requireNonNull(nextCursor, "nextCursor");
  }

  /** Which page to read: at most {@code limit} items after the opaque {@code cursor}. */
  public record Request(int limit, Optional<String> cursor) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    public Request {
      Objects.requireNonNull(cursor, "cursor");
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new LivecodeException.InvalidRequest(
            "limit must be 1 to " + MAX_LIMIT + ", was " + limit);
      }
    }

    public static Request first(int limit) {
      return new Request(limit, Optional.empty());
    }
  }
}
