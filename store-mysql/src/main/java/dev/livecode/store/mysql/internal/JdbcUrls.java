package dev.livecode.store.mysql.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What may be shown of a JDBC URL: never a password, wherever the URL carries one. */
public final class JdbcUrls {
  private static final Pattern USER_INFO = Pattern.compile("//([^/?#@]*?):([^/?#@]*)@");
  private static final Pattern PASSWORD_PROPERTY =
      Pattern.compile("(?i)((?:^|[?&;(,])\\s*password\\d*\\s*=)([^&;),]*)");

  private JdbcUrls() {}

  /** The URL with any password replaced by {@code ****}. */
  public static String mask(String url) {
    String masked = USER_INFO.matcher(url).replaceAll("//$1:****@");
    return PASSWORD_PROPERTY.matcher(masked).replaceAll("$1****");
  }

  /**
   * The {@code host:port} part of a {@code jdbc:mysql://} or {@code jdbc:mariadb://} URL, or the
   * masked URL.
   */
  public static String address(String url) {
    Matcher m = Pattern.compile("^jdbc:[a-z:]+//(?:[^/?#@]*@)?([^/?#]*)").matcher(url);
    if (m.find() && !m.group(1).isEmpty()) {
      String hosts = m.group(1);
      return hosts.contains(":") || hosts.contains(",") ? hosts : hosts + ":3306";
    }
    return mask(url);
  }

  /** The user named in the URL ({@code user=} or {@code user@host}), if any. */
  public static String userIn(String url) {
    Matcher property = Pattern.compile("(?i)[?&;]\\s*user\\s*=([^&;]*)").matcher(url);
    if (property.find()) {
      return property.group(1);
    }
    Matcher info = Pattern.compile("//([^/?#@:]+)(?::[^/?#@]*)?@").matcher(url);
    return info.find() ? info.group(1) : "";
  }
}
