package dev.llmrollout.appconfig.internal;

import dev.llmrollout.appconfig.AppConfigLocation;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.appconfigdata.AppConfigDataClient;
import software.amazon.awssdk.services.appconfigdata.model.BadRequestException;
import software.amazon.awssdk.services.appconfigdata.model.GetLatestConfigurationResponse;
import software.amazon.awssdk.services.appconfigdata.model.InvalidParameterDetail;
import software.amazon.awssdk.services.appconfigdata.model.ThrottlingException;

/**
 * Keeps one AppConfigData configuration session: starts it, calls GetLatestConfiguration on the
 * interval the service returns, and swaps in each single-use token. Any failure drops the session
 * so the next attempt starts a new one; an expired or corrupted token is replaced at once,
 * throttling backs off exponentially up to {@code maxBackoff}.
 */
public final class ConfigurationPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigurationPoller.class);

  /** What the poller reports; called on the poller's thread, one call at a time. */
  public interface Events {
    /** A new configuration version (the body was not empty). */
    void onContent(byte[] content, String contentType, String versionLabel);

    /** The service answered and the configuration is unchanged (empty body). */
    void onUnchanged();

    /** A poll failed; the last configuration keeps serving. */
    void onFailure(String message);
  }

  private final AppConfigDataClient client;
  private final AppConfigLocation location;
  private final Optional<Integer> requiredMinimumPollSeconds;
  private final Duration maxBackoff;
  private final Events events;
  private final ScheduledExecutorService scheduler;
  private String token;
  private int intervalSeconds = 60;
  private int throttledInARow;
  private int tokensRejectedInARow;
  private volatile boolean closed;

  public ConfigurationPoller(
      AppConfigDataClient client,
      AppConfigLocation location,
      Optional<Integer> requiredMinimumPollSeconds,
      Duration maxBackoff,
      Events events) {
    this.client = client;
    this.location = location;
    this.requiredMinimumPollSeconds = requiredMinimumPollSeconds;
    this.maxBackoff = maxBackoff;
    this.events = events;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "appconfig-poller-" + location.profileId());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Runs the first poll on the poller's thread and waits for it.
   *
   * @throws SdkException when the service could not be reached or refused
   */
  public void firstPoll(Duration timeout) throws Exception {
    scheduler
        .submit(
            () -> {
              poll();
              return null;
            })
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts polling in the background, one interval after the first poll. */
  public void startPolling() {
    schedule(Duration.ofSeconds(intervalSeconds));
  }

  /** The poll interval the service asked for last. */
  public Duration interval() {
    return Duration.ofSeconds(intervalSeconds);
  }

  private void schedule(Duration delay) {
    try {
      if (!closed) {
        scheduler.schedule(this::pollInBackground, delay.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closed between the check and the schedule: polling is over, as asked.
    }
  }

  private void pollInBackground() {
    Duration next = Duration.ofSeconds(intervalSeconds);
    try {
      poll();
      throttledInARow = 0;
      tokensRejectedInARow = 0;
    } catch (ThrottlingException e) {
      token = null;
      throttledInARow++;
      next = backoff();
      events.onFailure(
          "AppConfig throttled the poll of "
              + location
              + " ("
              + e.awsErrorDetails().errorMessage()
              + "); next attempt in "
              + next.toSeconds()
              + " s with a new session");
    } catch (BadRequestException e) {
      token = null;
      if (tokenRejected(e) && tokensRejectedInARow++ == 0) {
        LOG.info("{}: configuration token {}; starting a new session", location, problem(e));
        next = Duration.ZERO;
      } else {
        events.onFailure("AppConfig rejected the poll of " + location + ": " + message(e));
      }
    } catch (SdkException e) {
      token = null;
      events.onFailure("polling " + location + " failed: " + message(e));
    } catch (RuntimeException e) {
      LOG.error("{}: unexpected failure while polling", location, e);
      events.onFailure("polling " + location + " failed: " + e);
    }
    schedule(next);
  }

  private void poll() {
    if (token == null) {
      token =
          client
              .startConfigurationSession(
                  b ->
                      b.applicationIdentifier(location.applicationId())
                          .environmentIdentifier(location.environmentId())
                          .configurationProfileIdentifier(location.profileId())
                          .requiredMinimumPollIntervalInSeconds(
                              requiredMinimumPollSeconds.orElse(null)))
              .initialConfigurationToken();
    }
    String current = token;
    GetLatestConfigurationResponse response =
        client.getLatestConfiguration(b -> b.configurationToken(current));
    token = response.nextPollConfigurationToken();
    if (response.nextPollIntervalInSeconds() != null) {
      intervalSeconds = Math.max(1, response.nextPollIntervalInSeconds());
    }
    byte[] content =
        response.configuration() == null ? new byte[0] : response.configuration().asByteArray();
    if (content.length == 0) {
      events.onUnchanged();
    } else {
      events.onContent(content, response.contentType(), response.versionLabel());
    }
  }

  /**
   * An expired or corrupted token is routine (a long pause, a restart): a new session follows at
   * once. Only a second rejection in a row counts as a failure.
   */
  private static boolean tokenRejected(BadRequestException e) {
    String problem = problem(e);
    return "EXPIRED".equals(problem) || "CORRUPTED".equals(problem);
  }

  private static String problem(BadRequestException e) {
    if (e.details() == null || !e.details().hasInvalidParameters()) {
      return "";
    }
    return e.details().invalidParameters().values().stream()
        .map(InvalidParameterDetail::problemAsString)
        .filter(p -> p != null)
        .map(p -> p.toUpperCase(java.util.Locale.ROOT))
        .findFirst()
        .orElse("");
  }

  private Duration backoff() {
    long seconds = (long) intervalSeconds << Math.min(throttledInARow, 20);
    Duration wait = Duration.ofSeconds(seconds);
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }

  /** An AWS failure as code, status and AWS's message; other failures by their message. */
  public static String describe(Throwable e) {
    return e instanceof SdkException sdk ? message(sdk) : String.valueOf(e.getMessage());
  }

  private static String message(SdkException e) {
    if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
        && aws.awsErrorDetails() != null) {
      return aws.awsErrorDetails().errorCode()
          + " ("
          + aws.statusCode()
          + "): "
          + aws.awsErrorDetails().errorMessage();
    }
    return e.getMessage();
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
  }
}
