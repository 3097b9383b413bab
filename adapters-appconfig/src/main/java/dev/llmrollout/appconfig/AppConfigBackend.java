package dev.llmrollout.appconfig;

import dev.llmrollout.appconfig.internal.ConfigurationPoller;
import dev.llmrollout.appconfig.internal.ConfigurationReader;
import dev.llmrollout.appconfig.internal.FlagDefinition;
import dev.llmrollout.appconfig.internal.FlagSnapshot;
import dev.llmrollout.appconfig.internal.MalformedConfigurationException;
import dev.llmrollout.spi.BackendException;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.appconfigdata.AppConfigDataClient;

/**
 * Serves flags from an AWS AppConfig configuration profile, read through AppConfigData sessions and
 * evaluated in memory: per-user splits use the local backend's bucketing, so a user keeps their
 * variant across ramps, restarts and backends.
 *
 * <pre>{@code
 * AppConfigDataClient data = AppConfigDataClient.builder()
 *     .region(Region.EU_WEST_1).httpClient(UrlConnectionHttpClient.create()).build();
 * FlagBackend backend = AppConfigBackend.builder(data,
 *         new AppConfigLocation("abc1234", "env5678", "prof901"))
 *     .format(DocumentFormat.FEATURE_FLAGS).build();
 * }</pre>
 *
 * <p>Polling failures keep the last good configuration serving and report STALE until a poll
 * succeeds again (READY). A version that cannot be read is rejected with an ERROR event and the
 * previous keeps serving; a single broken flag keeps its previous definition when it had one.
 */
public final class AppConfigBackend implements FlagBackend {
  private static final Logger LOG = LoggerFactory.getLogger(AppConfigBackend.class);

  private final AppConfigDataClient client;
  private final AppConfigLocation location;
  private final DocumentFormat format;
  private final Optional<Integer> requiredMinimumPollSeconds;
  private final Duration maxBackoff;
  private final boolean ownsClient;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile FlagSnapshot snapshot = FlagSnapshot.EMPTY;
  private volatile ConfigurationPoller poller;
  private BackendListener listener = new BackendListener() {};
  private boolean stale;
  private boolean inError;

  private AppConfigBackend(Builder builder) {
    this.client = builder.client;
    this.location = builder.location;
    this.format = builder.format;
    this.requiredMinimumPollSeconds = builder.requiredMinimumPollSeconds;
    this.maxBackoff = builder.maxBackoff;
    this.ownsClient = builder.ownsClient;
  }

  public static Builder builder(AppConfigDataClient client, AppConfigLocation location) {
    return new Builder(client, location);
  }

  @Override
  public String name() {
    return "aws-appconfig";
  }

  @Override
  public void start(BackendListener listener, Duration timeout) {
    this.listener = Objects.requireNonNull(listener, "listener");
    ConfigurationPoller started =
        new ConfigurationPoller(
            client, location, requiredMinimumPollSeconds, maxBackoff, new PollEvents());
    try {
      started.firstPoll(timeout);
    } catch (ExecutionException e) {
      started.close();
      throw new BackendException(
          location
              + ": could not load the configuration: "
              + ConfigurationPoller.describe(e.getCause()),
          e.getCause());
    } catch (TimeoutException e) {
      started.close();
      throw new BackendException(location + ": no configuration within " + timeout, e);
    } catch (InterruptedException e) {
      started.close();
      Thread.currentThread().interrupt();
      throw new BackendException(location + ": interrupted while loading", e);
    } catch (Exception e) {
      started.close();
      throw new BackendException(location + ": could not load the configuration", e);
    }
    if (inError) {
      started.close();
      throw new BackendException(location + ": the deployed configuration was rejected");
    }
    poller = started;
    started.startPolling();
  }

  @Override
  public Resolution resolve(String flagKey, EvaluationContext context) {
    FlagDefinition flag = snapshot.flag(flagKey);
    if (flag == null) {
      return Resolution.notFound(flagKey);
    }
    return flag.resolve(context == null ? null : context.getTargetingKey());
  }

  @Override
  public Optional<VariantPayload> variant(String flagKey, String variantName) {
    FlagDefinition flag = snapshot.flag(flagKey);
    return flag == null ? Optional.empty() : Optional.ofNullable(flag.variants().get(variantName));
  }

  @Override
  public Set<String> flagKeys() {
    return snapshot.keys();
  }

  /** The poll interval AppConfig asked for last. */
  public Duration pollInterval() {
    ConfigurationPoller current = poller;
    return current == null ? Duration.ZERO : current.interval();
  }

  @Override
  public void close() {
    ConfigurationPoller current = poller;
    poller = null;
    if (current != null) {
      current.close();
    }
    if (ownsClient && closed.compareAndSet(false, true)) {
      client.close();
    }
  }

  /** Runs on the poller's thread only, so the flags below need no locking. */
  private final class PollEvents implements ConfigurationPoller.Events {
    @Override
    public void onContent(byte[] content, String contentType, String versionLabel) {
      boolean firstLoad = snapshot == FlagSnapshot.EMPTY && poller == null;
      FlagSnapshot.Merge merge;
      try {
        merge = snapshot.merge(ConfigurationReader.read(content, format, versionLabel));
      } catch (MalformedConfigurationException e) {
        inError = true;
        String message =
            location
                + ": rejected configuration version "
                + label(versionLabel)
                + ": "
                + e.getMessage()
                + "; the previous version keeps serving";
        LOG.error(message);
        listener.onError(message, ErrorCode.PARSE_ERROR);
        return;
      }
      snapshot = merge.snapshot();
      recovered();
      merge.rejected().forEach(message -> reportBrokenFlag(message, firstLoad));
      if (!merge.changed().isEmpty() && !firstLoad) {
        listener.onFlagsChanged(merge.changed());
      }
    }

    @Override
    public void onUnchanged() {
      if (stale) {
        recovered();
      }
    }

    @Override
    public void onFailure(String message) {
      LOG.warn("{}; the last configuration keeps serving", message);
      if (!stale) {
        stale = true;
        listener.onStale(message);
      }
    }

    private void recovered() {
      if (stale || inError) {
        stale = false;
        inError = false;
        listener.onReady();
      }
    }

    private void reportBrokenFlag(String message, boolean firstLoad) {
      LOG.error("{}: {}", location, message);
      // An ERROR event while the provider initializes would mark it as failed; at start the broken
      // flag answers with PARSE_ERROR on evaluation instead.
      if (!firstLoad) {
        listener.onError(message, ErrorCode.PARSE_ERROR);
      }
    }
  }

  private static String label(String versionLabel) {
    return versionLabel == null || versionLabel.isEmpty() ? "(no label)" : versionLabel;
  }

  /** Builds a backend; the client and the location are required. */
  public static final class Builder {
    private final AppConfigDataClient client;
    private final AppConfigLocation location;
    private DocumentFormat format = DocumentFormat.AUTO;
    private Optional<Integer> requiredMinimumPollSeconds = Optional.empty();
    private Duration maxBackoff = Duration.ofMinutes(5);
    private boolean ownsClient;

    private Builder(AppConfigDataClient client, AppConfigLocation location) {
      this.client = Objects.requireNonNull(client, "client");
      this.location = Objects.requireNonNull(location, "location");
    }

    /** How the profile's content is written (default: detected from its shape). */
    public Builder format(DocumentFormat format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /**
     * Asks AppConfig to poll no more often than this (15 s to 24 h); by default the service's own
     * interval applies.
     */
    public Builder requiredMinimumPollInterval(Duration interval) {
      long seconds = interval.toSeconds();
      if (seconds < 15 || seconds > 86_400) {
        throw new IllegalArgumentException(
            "requiredMinimumPollInterval: expected 15 s to 86400 s, found " + seconds + " s");
      }
      this.requiredMinimumPollSeconds = Optional.of((int) seconds);
      return this;
    }

    /** The longest wait between attempts while AppConfig throttles (default 5 minutes). */
    public Builder maxBackoff(Duration maxBackoff) {
      if (maxBackoff.isNegative() || maxBackoff.isZero()) {
        throw new IllegalArgumentException("maxBackoff: expected a positive duration");
      }
      this.maxBackoff = maxBackoff;
      return this;
    }

    /** Closes the client when the backend closes, for a client made only for this backend. */
    public Builder closeClientOnClose() {
      this.ownsClient = true;
      return this;
    }

    public AppConfigBackend build() {
      return new AppConfigBackend(this);
    }
  }
}
