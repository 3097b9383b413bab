package dev.llmrollout.router;

import java.util.Objects;

/**
 * A routed request failed. The message names the flag, the variant and the endpoint where known,
 * and never contains a key or a response body.
 */
public final class RoutingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a request failed. */
  public enum Kind {
    /** The flag served nothing usable (flag missing, wrong type, no model). */
    FLAG,
    /** The variant names an endpoint that is not configured, or has no endpoint. */
    CONFIGURATION,
    /** The request lacks something the prompt needs, such as a template variable. */
    BAD_REQUEST,
    /** The endpoint answered with an HTTP error status. */
    HTTP_STATUS,
    /** The endpoint did not answer within its timeout. */
    TIMEOUT,
    /** No connection could be made to the endpoint. */
    CONNECT,
    /** The endpoint's answer was not a chat completion. */
    UNPARSABLE,
    /** The endpoint's concurrency limit stayed full for its whole timeout. */
    SATURATED,
    /** The connection broke while the answer was read. */
    IO,
    /** The caller's stream consumer failed or the caller was interrupted. */
    CANCELLED
  }

  private final Kind kind;
  private final int httpStatus;

  public RoutingException(Kind kind, String message) {
    this(kind, message, 0, null);
  }

  public RoutingException(Kind kind, String message, int httpStatus, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.httpStatus = httpStatus;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status for {@link Kind#HTTP_STATUS}, else 0. */
  public int httpStatus() {
    return httpStatus;
  }

  /** True when the failure is the variant's (its endpoint failed), not the caller's or config's. */
  public boolean isEndpointFailure() {
    return switch (kind) {
      case HTTP_STATUS, TIMEOUT, CONNECT, UNPARSABLE, SATURATED, IO -> true;
      default -> false;
    };
  }
}
