package dev.llmrollout.unleash.internal;

import dev.llmrollout.spi.BackendListener;
import dev.openfeature.sdk.ErrorCode;
import io.getunleash.UnleashException;
import io.getunleash.event.ClientFeaturesResponse;
import io.getunleash.event.FeatureSet;
import io.getunleash.event.UnleashReady;
import io.getunleash.event.UnleashSubscriber;
import io.getunleash.repository.FeatureFetcher;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands between the Unleash client's poller and its engine: every fetched answer is parsed into a
 * {@link FlagCatalog} before the engine takes it, malformed flags are put back to their last good
 * definition, and fetch outcomes become backend events (changed keys, stale, ready, error).
 */
public final class ToggleFeed implements UnleashSubscriber {
  private static final Logger LOG = LoggerFactory.getLogger(ToggleFeed.class);

  /** How the client's metrics senders word a failed post. */
  private static final String METRICS_POST_FAILED = "Could not post";

  private final String source;
  private final CountDownLatch firstAttempt = new CountDownLatch(1);
  private final CountDownLatch firstSuccess = new CountDownLatch(1);
  private final AtomicBoolean stale = new AtomicBoolean();
  private volatile FlagCatalog catalog = FlagCatalog.EMPTY;
  private volatile FlagCatalog previous = FlagCatalog.EMPTY;
  private volatile ToggleUpdates.Update pending;
  private volatile BackendListener listener = new BackendListener() {};
  private volatile boolean serving;
  private volatile boolean closed;
  private volatile UnleashException reportedFetchFailure;
  private volatile String lastFailure = "none yet";

  /**
   * @param source where toggles come from, for messages (a URL without credentials)
   */
  public ToggleFeed(String source) {
    this.source = source;
  }

  /** The catalog now served. */
  public FlagCatalog catalog() {
    return catalog;
  }

  /**
   * Where to look for a variant the engine picked that the served catalog lacks: the fetched
   * catalog the engine is taking right now, then the one before the last change.
   */
  public List<FlagCatalog> fallbacks() {
    ToggleUpdates.Update next = pending;
    return next == null ? List.of(previous) : List.of(next.catalog(), previous);
  }

  /** Loads toggles the client restored from its backup file, before the first fetch. */
  public void restore(String backupJson) {
    ToggleUpdates.Update update = ToggleUpdates.apply(backupJson, FlagCatalog.EMPTY);
    catalog = update.catalog();
  }

  /** Events go to {@code target} from now on; changes are reported once {@link #serving()}. */
  public void listenWith(BackendListener target) {
    this.listener = target;
  }

  /** Marks the backend as started: later fetches report changed flags. */
  public void serving() {
    serving = true;
  }

  public void close() {
    closed = true;
  }

  /** Wraps the client's own fetcher so that each answer passes through this feed. */
  public FeatureFetcher wrap(FeatureFetcher delegate) {
    return () -> {
      applyPending(); // in case the client could not write its backup and so never told us
      ClientFeaturesResponse response;
      try {
        response = delegate.fetchFeatures();
      } catch (UnleashException e) {
        reportedFetchFailure = e;
        fetchFailed("cannot reach Unleash at " + source + ": " + e.getMessage());
        throw e;
      }
      return accept(response);
    };
  }

  private ClientFeaturesResponse accept(ClientFeaturesResponse response) {
    switch (response.getStatus()) {
      case UNAVAILABLE:
        int status = response.getHttpStatusCode();
        fetchFailed(
            "Unleash at "
                + source
                + " answered HTTP "
                + status
                + (status == 401 || status == 403
                    ? ": it refused the client token (check UNLEASH_CLIENT_TOKEN: a backend token"
                        + " for this environment)"
                    : ""));
        return response;
      case NOT_CHANGED:
        fetchSucceeded();
        return response;
      default:
        return changed(response);
    }
  }

  private ClientFeaturesResponse changed(ClientFeaturesResponse response) {
    ToggleUpdates.Update update;
    try {
      update = ToggleUpdates.apply(response.getClientFeatures().orElse(""), catalog);
    } catch (IllegalArgumentException e) {
      report("toggles from " + source + " rejected: " + e.getMessage(), ErrorCode.PARSE_ERROR);
      // The engine keeps its state; the next changed answer is tried again.
      return ClientFeaturesResponse.notChanged();
    }
    update.rejections().forEach(message -> report(message, ErrorCode.PARSE_ERROR));
    // The engine takes these toggles after this returns; the catalog follows once it has.
    pending = update;
    return update.rewritten() ? ClientFeaturesResponse.updated(update.servedJson()) : response;
  }

  /** Serves the fetched catalog once the engine holds the same toggles, then reports changes. */
  private synchronized void applyPending() {
    ToggleUpdates.Update update = pending;
    if (update == null) {
      return;
    }
    previous = catalog;
    catalog = update.catalog();
    pending = null;
    fetchSucceeded();
    Set<String> changed = update.changed();
    if (serving && !closed && !changed.isEmpty()) {
      listener.onFlagsChanged(changed);
    }
  }

  @Override
  public void featuresBackedUp(FeatureSet featureSet) {
    applyPending(); // the client writes its backup right after its engine took the toggles
  }

  @Override
  public void onReady(UnleashReady ready) {
    applyPending();
  }

  private void fetchSucceeded() {
    firstAttempt.countDown();
    firstSuccess.countDown();
    if (stale.compareAndSet(true, false) && !closed) {
      LOG.info("Unleash at {} answers again", source);
      listener.onReady();
    }
  }

  private void fetchFailed(String message) {
    lastFailure = message;
    firstAttempt.countDown();
    if (stale.compareAndSet(false, true) && !closed) {
      LOG.warn("{}; serving the last known flags", message);
      listener.onStale(message + "; serving the last known flags");
    }
  }

  private void report(String message, ErrorCode code) {
    LOG.error(message);
    if (!closed) {
      listener.onError(message, code);
    }
  }

  /** Waits for the first fetch to end, successful or not. */
  public boolean awaitFirstAttempt(Duration timeout) throws InterruptedException {
    return firstAttempt.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits for the first successful fetch. */
  public boolean awaitFirstSuccess(Duration timeout) throws InterruptedException {
    return firstSuccess.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean stale() {
    return stale.get();
  }

  /** The last fetch failure, for error messages. */
  public String lastFailure() {
    return lastFailure;
  }

  @Override
  public void onError(UnleashException error) {
    if (error == reportedFetchFailure) {
      return; // already reported as staleness by the fetcher
    }
    String message = String.valueOf(error.getMessage());
    if (message.startsWith(METRICS_POST_FAILED)) {
      // Usage metrics that did not reach Unleash change nothing served; the fetcher reports
      // outages.
      LOG.warn("Unleash client: {}", message);
      return;
    }
    // Backup file and engine failures: restarts may lose the last flags, or a fetch was refused.
    report("Unleash client: " + message, ErrorCode.GENERAL);
  }
}
