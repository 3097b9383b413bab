package dev.llmrollout.launchdarkly.internal;

import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;

/**
 * Turns LaunchDarkly's REST refusals into {@link WriteBackException}s that say what to fix: 401 and
 * 403 as permission errors naming {@code LD_ACCESS_TOKEN}, 404 naming project and environment, 405
 * (the environment requires approvals) with how LaunchDarkly takes such a change, 400/422 with
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
                  + "); give the token behind LD_ACCESS_TOKEN a role that may update flags there");
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
      case 405 ->
          new WriteBackException(
              Kind.PERMISSION_DENIED,
              flagKey,
              "flag '"
                  + flagKey
                  + "': environment '"
                  + environment
                  + "' requires approval for flag changes ("
                  + detail
                  + "); LaunchDarkly takes such a change only as an approval request (POST"
                  + " /api/v2/projects/"
                  + project
                  + "/flags/"
                  + flagKey
                  + "/environments/"
                  + environment
                  + "/approval-requests, or the console), applied once a reviewer approves it;"
                  + " or let the token behind LD_ACCESS_TOKEN bypass approvals there");
      case 400 ->
          new WriteBackException(
              Kind.INVALID_REQUEST,
              flagKey,
              "flag '"
                  + flagKey
                  + "': LaunchDarkly refused the change ("
                  + detail
                  + "); if it conflicts with a pending scheduled change or approval request,"
                  + " review those in the console (LaunchDarkly applies a patch over them only"
                  + " with ignoreConflicts=true, which kill uses)");
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
