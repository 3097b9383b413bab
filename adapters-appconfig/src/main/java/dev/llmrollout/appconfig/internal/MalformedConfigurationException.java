package dev.llmrollout.appconfig.internal;

/** A configuration version that cannot be served at all; the message says what was expected. */
public final class MalformedConfigurationException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedConfigurationException(String message) {
    super(message);
  }

  public MalformedConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
