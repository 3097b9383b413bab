package dev.llmrollout.router;

import java.io.InputStream;
import java.util.Objects;

/**
 * A model endpoint's answer as far as its headers: the status and the body still arriving. The
 * router reads the body and closes it, also from another thread at a deadline.
 */
public record ModelResponse(int status, InputStream body) {
  public ModelResponse {
    Objects.requireNonNull(body, "body");
  }
}
