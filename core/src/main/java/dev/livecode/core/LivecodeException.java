package dev.livecode.core;

/**
 * Root of every exception livecode throws. Unchecked: callers catch the subclasses they can act on.
 *
 * @since 0.1
 */
public abstract class LivecodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected LivecodeException(String message) {
    super(message);
  }

  protected LivecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
