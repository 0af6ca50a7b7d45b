package dev.livecode.queue.redis.internal;

import io.lettuce.core.RedisURI;

/** Redis addresses as they may appear in logs and messages: the password is never shown. */
public final class RedisUris {
  private RedisUris() {}

  /**
   * {@code redis://:***@host:6379/0}: scheme, host, port and database, with any password masked.
   */
  public static String masked(RedisURI uri) {
    StringBuilder text = new StringBuilder(uri.isSsl() ? "rediss://" : "redis://");
    boolean hasPassword = uri.getPassword() != null && uri.getPassword().length > 0;
    if (uri.getUsername() != null || hasPassword) {
      text.append(uri.getUsername() == null ? "" : uri.getUsername())
          .append(hasPassword ? ":***" : "")
          .append('@');
    }
    text.append(uri.getHost())
        .append(':')
        .append(uri.getPort())
        .append('/')
        .append(uri.getDatabase());
    return text.toString();
  }

  /**
   * A message safe to log: the exception's messages along its cause chain with the password (if any
   * library put it there) replaced.
   */
  public static String describe(Throwable error, RedisURI uri) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = error; t != null && text.length() < 400; t = t.getCause()) {
      if (text.length() > 0) {
        text.append(": ");
      }
      text.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
      if (t.getCause() == t) {
        break;
      }
    }
    String message = text.toString();
    char[] password = uri.getPassword();
    if (password != null && password.length > 0) {
      message = message.replace(new String(password), "***");
    }
    return message;
  }
}
