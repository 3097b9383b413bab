package dev.llmrollout.signals;

/**
 * The signals cannot be read completely right now; the guard holds a rollout (never promotes, never
 * rolls back) until they can, and shows {@link #getMessage() the reason} in its status.
 */
public final class SignalsUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SignalsUnavailableException(String reason) {
    super(reason);
  }

  public SignalsUnavailableException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
