package dev.llmrollout.spi;

/**
 * A write-back that did not happen, or could not be verified. The message carries the vendor's
 * error text and names the flag, never a secret.
 */
public class WriteBackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, so that callers know whether to retry. */
  public enum Kind {
    /** The flag changed since the writer read it. Re-read, decide again. */
    CONFLICT(false),
    /** The credentials lack the right to write. Retrying will not help. */
    PERMISSION_DENIED(false),
    /** The flag or a named variant does not exist. */
    NOT_FOUND(false),
    /** The request itself is wrong (weights that do not sum to 100, a flag that is not killed). */
    INVALID_REQUEST(false),
    /** The source cannot make this kind of write (a rollout record it has nowhere to store). */
    UNSUPPORTED(false),
    /** The source could not be reached or answered 429/5xx. Retrying may help. */
    UNAVAILABLE(true),
    /** The write was accepted but the read-back does not show it. */
    NOT_VERIFIED(true);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private final Kind kind;
  private final String flagKey;

  public WriteBackException(Kind kind, String flagKey, String message) {
    super(message);
    this.kind = kind;
    this.flagKey = flagKey;
  }

  public WriteBackException(Kind kind, String flagKey, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.flagKey = flagKey;
  }

  public Kind kind() {
    return kind;
  }

  public String flagKey() {
    return flagKey;
  }
}
