package dev.llmrollout.router;

/**
 * The endpoints file, or a variant's use of it, is wrong. The message names the endpoint, the field
 * and what was expected; it never contains a key.
 */
public final class EndpointConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EndpointConfigException(String message) {
    super(message);
  }

  public EndpointConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
