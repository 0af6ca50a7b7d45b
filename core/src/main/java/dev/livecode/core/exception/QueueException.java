package dev.livecode.core.exception;

/** The job queue could not be reached or failed; the cause is kept. Callers may retry later. */
public class QueueException extends LivecodeException {
  private static final long serialVersionUID = 1L;

  public QueueException(String message, Throwable cause) {
    super(message, cause);
  }

  public QueueException(String message) {
    super(message);
  }
}
