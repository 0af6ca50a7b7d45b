package dev.livecode.server.internal;

import java.util.regex.Pattern;

/** Masks credentials in URLs before they reach a log line or an error message. */
public final class Secrets {
  private static final Pattern USERINFO = Pattern.compile("(?<=://)([^/@:]*):([^/@]*)@");
  private static final Pattern PASSWORD_ONLY = Pattern.compile("(?<=://)([^/@:]+)@");
  private static final Pattern PASSWORD_PARAM =
      Pattern.compile("(?i)((?:password|pwd|pass)=)[^&;]*");

  private Secrets() {}

  /**
   * {@code redis://:s3cret@host} becomes {@code redis://:****@host}; {@code password=x} becomes
   * {@code password=****}.
   */
  public static String maskUrl(String url) {
    if (url == null) {
      return "";
    }
    String masked = USERINFO.matcher(url).replaceAll("$1:****@");
    // redis://token@host: a lone user-info part is a password for Redis.
    if (masked.equals(url) && url.startsWith("redis")) {
      masked = PASSWORD_ONLY.matcher(url).replaceAll("****@");
    }
    return PASSWORD_PARAM.matcher(masked).replaceAll("$1****");
  }
}
