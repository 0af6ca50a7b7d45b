package dev.livecode.core;

/** A request the engine refuses as given: a field out of range, a limit over its cap, a bad cursor. */
public final class InvalidRequestException extends LivecodeException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }
}
