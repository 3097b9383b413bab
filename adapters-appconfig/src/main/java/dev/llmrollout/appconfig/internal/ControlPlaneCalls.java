package dev.llmrollout.appconfig.internal;

import dev.llmrollout.spi.WriteBackException;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.appconfig.model.BadRequestException;

/**
 * Runs one control-plane call, retrying what may be retried (429, 5xx, a lost connection) with
 * exponential backoff, and turns AWS errors into {@link WriteBackException}s that carry AWS's code,
 * status and message, with a bad request's details.
 */
public final class ControlPlaneCalls {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneCalls.class);

  private final int attempts;
  private final Duration backoff;

  public ControlPlaneCalls(int attempts, Duration backoff) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts: expected at least 1");
    }
    this.attempts = attempts;
    this.backoff = backoff;
  }

  /** Calls {@code call}; {@code action} says what it does, for the error message. */
  public <T> T call(String flagKey, String action, Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      WriteBackException failure;
      try {
        return call.get();
      } catch (AwsServiceException e) {
        failure = new WriteBackException(kind(e), flagKey, message(flagKey, action, attempt, e), e);
      } catch (SdkClientException e) {
        failure =
            new WriteBackException(
                WriteBackException.Kind.UNAVAILABLE,
                flagKey,
                "flag '" + flagKey + "': " + action + " failed: " + e.getMessage(),
                e);
      }
      if (!failure.kind().retryable() || attempt >= attempts) {
        throw failure;
      }
      LOG.warn("{}; retrying (attempt {} of {})", failure.getMessage(), attempt + 1, attempts);
      pause(backoff.multipliedBy(1L << (attempt - 1)), failure);
    }
  }

  static WriteBackException.Kind kind(AwsServiceException e) {
    int status = e.statusCode();
    if (status == 409) {
      return WriteBackException.Kind.CONFLICT;
    }
    if (status == 404) {
      return WriteBackException.Kind.NOT_FOUND;
    }
    if (status == 401 || status == 403) {
      return WriteBackException.Kind.PERMISSION_DENIED;
    }
    if (status == 429 || status >= 500 || e.isThrottlingException()) {
      return WriteBackException.Kind.UNAVAILABLE;
    }
    return WriteBackException.Kind.INVALID_REQUEST;
  }

  private String message(String flagKey, String action, int attempt, AwsServiceException e) {
    StringBuilder text =
        new StringBuilder("flag '").append(flagKey).append("': ").append(action).append(" failed");
    if (attempt > 1) {
      text.append(" after ").append(attempt).append(" attempts");
    }
    String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
    String aws = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
    text.append(": AWS ")
        .append(code)
        .append(" (")
        .append(e.statusCode())
        .append("): ")
        .append(aws);
    if (e.statusCode() == 402) {
      text.append(" (an AppConfig service quota is exhausted)");
    }
    if (kind(e) == WriteBackException.Kind.PERMISSION_DENIED) {
      text.append(permissionHint(code));
    }
    if (e instanceof BadRequestException bad
        && bad.details() != null
        && bad.details().hasInvalidConfiguration()) {
      text.append("; details: ")
          .append(
              bad.details().invalidConfiguration().stream()
                  .map(d -> d.location() + " " + d.reason() + " (" + d.constraint() + ")")
                  .collect(Collectors.joining("; ")));
    }
    return text.toString();
  }

  /**
   * What to fix for a 401/403: IAM's AccessDeniedException names the identity and the action it
   * lacks; the others (UnrecognizedClientException, InvalidSignatureException,
   * ExpiredTokenException, ...) mean the credentials themselves were refused.
   */
  private static String permissionHint(String code) {
    String identity =
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary"
            + " credentials), or AWS_PROFILE when those are unset";
    if ("AccessDeniedException".equals(code)) {
      return "; a permission problem: grant the IAM identity of "
          + identity
          + " the AppConfig action named above on this application";
    }
    return "; a permission problem: AWS refused the credentials, so set "
        + identity
        + " to a valid, unexpired identity";
  }

  private static void pause(Duration wait, WriteBackException failure) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure;
    }
  }
}
