package dev.livecode.core.exception;

/** The store could not be reached or failed; the cause is kept. */
public class StoreException extends LivecodeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
