package dev.livecode.core;

/** A request the engine refuses as given: a field out of range, a limit over its cap, a bad cursor. */
public final class InvalidRequestException extends LivecodeException {
  private static final long serialVersionUID = 1L;

  private final boolean tooLarge;

  public InvalidRequestException(String message) {
    this(message, false);
  }

  private InvalidRequestException(String message, boolean tooLarge) {
    super(message);
    this.tooLarge = tooLarge;
  }

  /**
   * A source or stdin over the engine's {@linkplain LivecodeEngine#sizeCaps() size caps}.
   *
   * @since 0.3
   */
  public static InvalidRequestException tooLarge(String field, int maxBytes) {
    return new InvalidRequestException(field + " is larger than " + maxBytes + " bytes of UTF-8", true);
  }

  /**
   * Whether the request was refused for its size rather than its content, so that an HTTP server
   * can answer 413 instead of 400.
   *
   * @since 0.3
   */
  public boolean isTooLarge() {
    return tooLarge;
  }
}
