package dev.llmrollout.launchdarkly.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import java.io.IOException;
import java.util.Optional;

/**
 * Calls to LaunchDarkly's REST API with write-back's failure handling: reads retried on 429 and 5xx
 * with backoff, transport failures treated as a retryable 503, refusals turned into {@link
 * WriteBackException}s that say what to fix.
 */
public final class RestCalls {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RestApi api;
  private final WriteBackErrors errors;
  private final int maxAttempts;
  private final Backoff backoff;

  public RestCalls(RestApi api, WriteBackErrors errors, int maxAttempts, Backoff backoff) {
    this.api = api;
    this.errors = errors;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
  }

  /** One REST call. */
  public interface Call {
    RestResponse send() throws IOException, InterruptedException;
  }

  public RestApi api() {
    return api;
  }

  public WriteBackErrors errors() {
    return errors;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public Backoff backoff() {
    return backoff;
  }

  /** The flag as the REST API holds it now. */
  public RestFlag read(String flagKey) {
    RestResponse response = fetch(flagKey, () -> api.getFlag(flagKey));
    try {
      return RestFlag.parse(flagKey, api.environmentKey(), JSON.readTree(response.body()));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw unreadable(flagKey, e);
    }
  }

  /** A successful answer read as JSON. */
  public JsonNode fetchJson(String flagKey, Call call) {
    try {
      return JSON.readTree(fetch(flagKey, call).body());
    } catch (JsonProcessingException e) {
      throw unreadable(flagKey, e);
    }
  }

  /** A successful answer to a read, retrying 429 and 5xx. */
  public RestResponse fetch(String flagKey, Call call) {
    RestResponse last = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      last = send(flagKey, call);
      if (last.ok()) {
        return last;
      }
      if (!last.retryable() || last.status() == 409) {
        throw errors.refused(flagKey, last);
      }
      backoff.pause(flagKey, attempt, maxAttempts, last);
    }
    throw errors.exhausted(flagKey, last, maxAttempts);
  }

  /** Sends one request; a transport failure becomes a retryable 503-like answer. */
  public RestResponse send(String flagKey, Call call) {
    try {
      return call.send();
    } catch (IOException e) {
      return new RestResponse(
          503, "{\"message\":\"" + e.getClass().getSimpleName() + "\"}", Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WriteBackException(
          Kind.UNAVAILABLE, flagKey, "flag '" + flagKey + "': interrupted while writing back", e);
    }
  }

  private static WriteBackException unreadable(String flagKey, Exception e) {
    return new WriteBackException(
        Kind.NOT_VERIFIED,
        flagKey,
        "flag '" + flagKey + "': LaunchDarkly's answer could not be read: " + e.getMessage(),
        e);
  }
}
