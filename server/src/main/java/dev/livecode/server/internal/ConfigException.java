package dev.livecode.server.internal;

/**
 * A flag or environment variable the server cannot use; the message names it and what it accepts.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
