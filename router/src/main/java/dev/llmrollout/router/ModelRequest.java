package dev.llmrollout.router;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One model call as a {@link ModelTransport} sends it: a POST of {@code body} (JSON) to {@code uri}
 * with {@code headers}, the response headers due within {@code timeout}.
 *
 * <p>{@link #toString()} names the headers but never their values: one of them carries the
 * endpoint's key.
 *
 * @param body the serialized request; a transport reads it and does not change it
 */
public record ModelRequest(URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
  public ModelRequest {
    Objects.requireNonNull(uri, "uri");
    headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(timeout, "timeout");
  }

  @Override
  public String toString() {
    return "ModelRequest[POST "
        + uri
        + ", headers "
        + headers.keySet()
        + ", "
        + body.length
        + " bytes, timeout "
        + timeout
        + "]";
  }
}
