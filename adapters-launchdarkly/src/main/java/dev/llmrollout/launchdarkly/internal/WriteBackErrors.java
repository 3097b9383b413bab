package dev.llmrollout.launchdarkly.internal;

import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;

/**
 * Turns LaunchDarkly's REST refusals into {@link WriteBackException}s that say what to fix: 401 and
 * 403 as permission errors naming the setting, 404 naming project and environment, 400/405/422 with
 * LaunchDarkly's own message. Never includes the token.
 */
public record WriteBackErrors(String project, String environment) {

  public WriteBackException refused(String flagKey, RestResponse response) {
    String detail = "HTTP " + response.status() + ": " + RestApi.errorMessage(response);
    return switch (response.status()) {
      case 401 ->
          new WriteBackException(
              Kind.PERMISSION_DENIED,
              flagKey,
              "flag '"
                  + flagKey
                  + "': LaunchDarkly rejected the access token ("
                  + detail
                  + "); set LD_ACCESS_TOKEN to an API access token, not an SDK key");
      case 403 ->
          new WriteBackException(
              Kind.PERMISSION_DENIED,
              flagKey,
              "flag '"
                  + flagKey
                  + "': the access token may not change flags in project '"
                  + project
                  + "', environment '"
                  + environment
                  + "' ("
                  + detail
                  + "); it needs a writer role");
      case 404 ->
          new WriteBackException(
              Kind.NOT_FOUND,
              flagKey,
              "flag '"
                  + flagKey
                  + "' not found in project '"
                  + project
                  + "', environment '"
                  + environment
                  + "' ("
                  + detail
                  + ")");
      default ->
          new WriteBackException(
              Kind.INVALID_REQUEST,
              flagKey,
              "flag '" + flagKey + "': LaunchDarkly refused the change (" + detail + ")");
    };
  }

  /** Every attempt was answered 409, 429 or 5xx. */
  public WriteBackException exhausted(String flagKey, RestResponse last, int attempts) {
    String detail =
        last == null ? "no answer" : "HTTP " + last.status() + ": " + RestApi.errorMessage(last);
    return new WriteBackException(
        last != null && last.status() == 409 ? Kind.CONFLICT : Kind.UNAVAILABLE,
        flagKey,
        "flag '" + flagKey + "': gave up after " + attempts + " attempts (last " + detail + ")");
  }
}
