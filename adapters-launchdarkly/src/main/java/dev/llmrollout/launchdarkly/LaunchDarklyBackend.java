package dev.llmrollout.launchdarkly;

import com.launchdarkly.sdk.EvaluationDetail;
import com.launchdarkly.sdk.LDContext;
import com.launchdarkly.sdk.LDValue;
import com.launchdarkly.sdk.server.Components;
import com.launchdarkly.sdk.server.LDClient;
import com.launchdarkly.sdk.server.LDConfig;
import com.launchdarkly.sdk.server.interfaces.DataSourceStatusProvider;
import dev.llmrollout.launchdarkly.internal.ContextMapper;
import dev.llmrollout.launchdarkly.internal.ReasonMapper;
import dev.llmrollout.launchdarkly.internal.RestFlag;
import dev.llmrollout.launchdarkly.internal.VariantCatalogStore;
import dev.llmrollout.provider.FeedbackSink;
import dev.llmrollout.spi.BackendException;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves model and prompt variants from LaunchDarkly through its Java server SDK, evaluating every
 * flag in memory with {@code jsonValueVariationDetail}.
 *
 * <pre>{@code
 * LaunchDarklyBackend backend =
 *     LaunchDarklyBackend.builder(System.getenv("LD_SDK_KEY"))
 *         .variationNames(LaunchDarklyRolloutControl.builder(...).build())
 *         .build();
 * OpenFeatureAPI.getInstance().setProviderAndWait(LlmFeatureProvider.builder(backend).build());
 * }</pre>
 *
 * <p>Each flag version's variations are parsed once, when the SDK stores that version; a version
 * with an invalid variation is rejected and the previous one keeps serving. Flag changes become
 * {@link BackendListener#onFlagsChanged}, an interrupted stream {@link BackendListener#onStale}, a
 * data source that gave up (for example on HTTP 401) {@link BackendListener#onError}.
 */
public final class LaunchDarklyBackend implements FlagBackend {
  private static final Logger LOG = LoggerFactory.getLogger(LaunchDarklyBackend.class);
  private static final int CONSISTENT_READ_ATTEMPTS = 4;

  private final String sdkKey;
  private final LaunchDarklyEndpoints endpoints;
  private final boolean sendEvents;
  private final Duration reconnectDelay;
  private final VariationNameSource names;
  private volatile BackendListener listener = new BackendListener() {};
  private volatile VariantCatalogStore store;
  private volatile LDClient client;
  private volatile boolean degraded;

  private LaunchDarklyBackend(Builder builder) {
    this.sdkKey = builder.sdkKey;
    this.endpoints = builder.endpoints;
    this.sendEvents = builder.sendEvents;
    this.reconnectDelay = builder.reconnectDelay;
    this.names = builder.names;
  }

  /** Starts a builder; the SDK key must come from the environment, never from a flag or a file. */
  public static Builder builder(String sdkKey) {
    return new Builder(sdkKey);
  }

  @Override
  public String name() {
    return "launchdarkly";
  }

  @Override
  public synchronized void start(BackendListener backendListener, Duration timeout) {
    if (client != null) {
      return;
    }
    this.listener = Objects.requireNonNull(backendListener, "listener");
    VariantCatalogStore catalog =
        new VariantCatalogStore(names, message -> listener.onError(message, ErrorCode.PARSE_ERROR));
    LDConfig config =
        new LDConfig.Builder()
            .serviceEndpoints(
                Components.serviceEndpoints()
                    .streaming(endpoints.stream())
                    .polling(endpoints.polling())
                    .events(endpoints.events()))
            .dataSource(Components.streamingDataSource().initialReconnectDelay(reconnectDelay))
            .dataStore(context -> catalog)
            .events(sendEvents ? Components.sendEvents() : Components.noEvents())
            .diagnosticOptOut(!sendEvents)
            .startWait(timeout)
            .build();
    LDClient started = new LDClient(sdkKey, config);
    if (!started.isInitialized()) {
      DataSourceStatusProvider.Status status = started.getDataSourceStatusProvider().getStatus();
      closeQuietly(started);
      throw new BackendException(
          "LaunchDarkly delivered no flags within " + timeout + ": " + describe(status));
    }
    this.store = catalog;
    this.client = started;
    started
        .getFlagTracker()
        .addFlagChangeListener(e -> listener.onFlagsChanged(Set.of(e.getKey())));
    started.getDataSourceStatusProvider().addStatusListener(this::onStatus);
  }

  private void onStatus(DataSourceStatusProvider.Status status) {
    switch (status.getState()) {
      case VALID -> {
        if (degraded) {
          degraded = false;
          listener.onReady();
        }
      }
      case INTERRUPTED -> {
        degraded = true;
        listener.onStale(
            "LaunchDarkly stream interrupted, serving the last flags received: "
                + describe(status));
      }
      case OFF -> {
        degraded = true;
        listener.onError(
            "LaunchDarkly data source stopped, serving the last flags received: "
                + describe(status),
            // Not PROVIDER_FATAL: OpenFeature would then refuse every evaluation, while the
            // SDK keeps serving the flags it holds.
            ErrorCode.GENERAL);
      }
      default -> LOG.debug("LaunchDarkly data source {}", status.getState());
    }
  }

  private static String describe(DataSourceStatusProvider.Status status) {
    DataSourceStatusProvider.ErrorInfo error = status.getLastError();
    if (error == null) {
      return "state " + status.getState();
    }
    return "state "
        + status.getState()
        + ", last error "
        + error.getKind()
        + (error.getStatusCode() > 0 ? " HTTP " + error.getStatusCode() : "")
        + (error.getMessage() == null ? "" : " (" + error.getMessage() + ")");
  }

  @Override
  public Resolution resolve(String flagKey, EvaluationContext context) {
    LDClient ld = client;
    VariantCatalogStore catalog = store;
    if (ld == null || catalog == null) {
      return ReasonMapper.error(
          flagKey, com.launchdarkly.sdk.EvaluationReason.ErrorKind.CLIENT_NOT_READY);
    }
    VariantCatalogStore.Entry entry = catalog.entry(flagKey);
    if (entry == null || entry.variants() == null) {
      return Resolution.notFound(flagKey);
    }
    if (!entry.variants().servable()) {
      return Resolution.error(flagKey, ErrorCode.PARSE_ERROR, entry.variants().rejection().get());
    }
    Optional<LDContext> ldContext;
    try {
      ldContext = ContextMapper.toLaunchDarkly(context);
    } catch (IllegalArgumentException e) {
      return Resolution.error(
          flagKey, ErrorCode.INVALID_CONTEXT, "flag '" + flagKey + "': " + e.getMessage());
    }
    if (ldContext.isEmpty()) {
      return entry
          .variants()
          .at(entry.variants().offVariation())
          .map(Resolution::targetingKeyMissing)
          .orElseGet(
              () ->
                  Resolution.error(
                      flagKey,
                      ErrorCode.TARGETING_KEY_MISSING,
                      "flag '" + flagKey + "' needs a targeting key and has no off variation"));
    }
    return evaluate(ld, catalog, flagKey, ldContext.get(), entry);
  }

  /**
   * Evaluates and pairs the result with the parsed variations of the very version the SDK read: if
   * the flag's entry is the same object before and after the evaluation, the SDK evaluated it.
   *
   * @param read the entry already read for this evaluation, the first attempt's "before"
   */
  private static Resolution evaluate(
      LDClient ld,
      VariantCatalogStore catalog,
      String flagKey,
      LDContext context,
      VariantCatalogStore.Entry read) {
    EvaluationDetail<LDValue> detail;
    VariantCatalogStore.Entry before = read;
    for (int attempt = 1; ; attempt++) {
      detail = ld.jsonValueVariationDetail(flagKey, context, LDValue.ofNull());
      VariantCatalogStore.Entry after = catalog.entry(flagKey);
      if (after == before || attempt == CONSISTENT_READ_ATTEMPTS) {
        break;
      }
      before = after;
    }
    return ReasonMapper.resolution(flagKey, detail, before == null ? null : before.variants());
  }

  @Override
  public Optional<VariantPayload> variant(String flagKey, String variantName) {
    VariantCatalogStore catalog = store;
    if (catalog == null) {
      return Optional.empty();
    }
    VariantCatalogStore.Entry entry = catalog.entry(flagKey);
    return entry == null || entry.variants() == null
        ? Optional.empty()
        : entry.variants().named(variantName);
  }

  /**
   * Waits until this process's SDK holds {@code flagKey} at {@code version} or later, as {@link
   * LaunchDarklyRolloutControl} reports it after a write: confirms that the write reached the
   * evaluations through the stream, not only LaunchDarkly's REST API.
   *
   * @return false when the timeout passed first, or the backend is not started
   */
  public boolean awaitVersion(String flagKey, String version, Duration timeout) {
    VariantCatalogStore catalog = store;
    if (catalog == null) {
      return false;
    }
    try {
      return catalog.awaitVersion(
          flagKey, Math.toIntExact(RestFlag.environmentVersion(version)), timeout.toMillis());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "flag '" + flagKey + "': version '" + version + "', expected a LaunchDarkly flag version",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public Set<String> flagKeys() {
    VariantCatalogStore catalog = store;
    return catalog == null ? Set.of() : catalog.flagKeys();
  }

  /**
   * Forwards OpenFeature {@code track()} feedback to LaunchDarkly as custom events ({@code
   * trackMetric} when the feedback has a value), for LaunchDarkly's own metrics. Register it with
   * {@code LlmFeatureProvider.builder(backend).feedbackSink(backend.feedbackSink())}; it sends
   * nothing when events are disabled.
   */
  public FeedbackSink feedbackSink() {
    return new LaunchDarklyFeedback(() -> client);
  }

  @Override
  public synchronized void close() {
    LDClient ld = client;
    client = null;
    if (ld != null) {
      closeQuietly(ld);
    }
  }

  private static void closeQuietly(LDClient ld) {
    try {
      ld.close();
    } catch (IOException e) {
      LOG.warn("closing the LaunchDarkly client failed", e);
    }
  }

  /** Configures a {@link LaunchDarklyBackend}. */
  public static final class Builder {
    private final String sdkKey;
    private LaunchDarklyEndpoints endpoints = LaunchDarklyEndpoints.LAUNCHDARKLY;
    private boolean sendEvents = true;
    private Duration reconnectDelay = Duration.ofSeconds(1);
    private VariationNameSource names = VariationNameSource.NONE;

    private Builder(String sdkKey) {
      if (sdkKey == null || sdkKey.isBlank()) {
        throw new IllegalArgumentException("sdkKey: expected a LaunchDarkly server-side SDK key");
      }
      this.sdkKey = sdkKey;
    }

    /** Where the SDK streams flags from and sends events to (default: LaunchDarkly's service). */
    public Builder endpoints(LaunchDarklyEndpoints value) {
      this.endpoints = Objects.requireNonNull(value, "endpoints");
      return this;
    }

    /** Whether the SDK sends analytics and diagnostic events to LaunchDarkly (default true). */
    public Builder sendEvents(boolean value) {
      this.sendEvents = value;
      return this;
    }

    /** The first delay before reconnecting a dropped stream (default 1 s, then backoff). */
    public Builder reconnectDelay(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("reconnectDelay: expected zero or a positive duration");
      }
      this.reconnectDelay = value;
      return this;
    }

    /** Where readable variation names come from (default none: AI Config key or index). */
    public Builder variationNames(VariationNameSource value) {
      this.names = Objects.requireNonNull(value, "variationNames");
      return this;
    }

    public LaunchDarklyBackend build() {
      return new LaunchDarklyBackend(this);
    }
  }
}
