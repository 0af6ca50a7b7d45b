package dev.livecode.core;

import java.util.List;

/** The language is not known to this engine, or its interpreter is not available here. */
public final class UnsupportedLanguageException extends LivecodeException {
  private static final long serialVersionUID = 1L;
  private final String language;

  public UnsupportedLanguageException(String language, List<String> installed) {
    super("unknown language '" + language + "'; installed: " + String.join(", ", installed));
    this.language = language;
  }

  public UnsupportedLanguageException(String language, String why) {
    super("language '" + language + "' is not available on this server: " + why);
    this.language = language;
  }

  public String language() {
    return language;
  }
}
