package dev.llmrollout.local.internal;

/** The flags file as a whole cannot be read: not JSON, or not a flagd flag-definition document. */
public final class FlagFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FlagFileException(String message) {
    super(message);
  }
}
