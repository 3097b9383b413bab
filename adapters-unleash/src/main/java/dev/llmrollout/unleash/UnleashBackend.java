package dev.llmrollout.unleash;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.spi.BackendException;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.VariantPayload;
import dev.llmrollout.unleash.internal.CatalogFlag;
import dev.llmrollout.unleash.internal.ContextMapper;
import dev.llmrollout.unleash.internal.ToggleFeed;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Reason;
import io.getunleash.DefaultUnleash;
import io.getunleash.repository.HttpFeatureFetcher;
import io.getunleash.util.UnleashConfig;
import io.getunleash.util.UnleashScheduledExecutorImpl;
import io.getunleash.variant.Payload;
import io.getunleash.variant.Variant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Model and prompt variants from Unleash, evaluated by the real Unleash Java client (its Rust
 * engine, in memory).
 *
 * <p>A flag's strategy variants carry the variant value as a payload of type {@code json}. Every
 * payload is parsed once per toggle fetch; an evaluation asks the engine which variant a context
 * gets and looks the parsed variant up. The targeting key becomes Unleash's {@code userId}. The
 * client's backup file lets a restart during an Unleash outage serve the last flags it fetched.
 *
 * <pre>{@code
 * UnleashBackend backend = new UnleashBackend(UnleashSettings.builder(URI.create(url))
 *     .clientToken(System.getenv("UNLEASH_CLIENT_TOKEN")).build());
 * OpenFeatureAPI.getInstance().setProviderAndWait(LlmFeatureProvider.builder(backend).build());
 * }</pre>
 */
public final class UnleashBackend implements FlagBackend {
  private final UnleashSettings settings;
  private final ToggleFeed feed;
  private volatile DefaultUnleash unleash;
  private volatile boolean closed;
  private volatile boolean serving;

  public UnleashBackend(UnleashSettings settings) {
    this.settings = settings;
    this.feed = new ToggleFeed(settings.apiUrl().toString());
  }

  @Override
  public String name() {
    return "unleash";
  }

  @Override
  public synchronized void start(BackendListener listener, Duration timeout) {
    if (unleash != null) {
      return;
    }
    boolean restored = restoreBackup();
    feed.listenWith(listener);
    unleash = new DefaultUnleash(clientConfig());
    try {
      boolean served = restored ? feed.awaitFirstAttempt(timeout) : feed.awaitFirstSuccess(timeout);
      if (!served || (!restored && feed.stale())) {
        close();
        throw new BackendException(
            "Unleash at "
                + settings.apiUrl()
                + ": no flags within "
                + timeout
                + " and no backup file at "
                + settings.backupFile()
                + "; last failure: "
                + feed.lastFailure());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new BackendException("interrupted while waiting for Unleash", e);
    }
    feed.serving();
    serving = true;
  }

  private boolean restoreBackup() {
    if (!Files.isRegularFile(settings.backupFile())) {
      return false;
    }
    try {
      feed.restore(Files.readString(settings.backupFile(), StandardCharsets.UTF_8));
      return true;
    } catch (IOException | IllegalArgumentException e) {
      // The client reads the same file and reports it; starting without it is still correct.
      return false;
    }
  }

  private UnleashConfig clientConfig() {
    UnleashConfig.Builder builder =
        UnleashConfig.builder()
            .appName(settings.appName())
            .instanceId(settings.instanceId())
            .unleashAPI(settings.apiUrl().toString())
            .apiKey(settings.clientToken())
            .fetchTogglesInterval(settings.fetchInterval().toSeconds())
            .backupFile(settings.backupFile().toString())
            .synchronousFetchOnInitialisation(false)
            .scheduledExecutor(new UnleashScheduledExecutorImpl())
            .unleashFeatureFetcherFactory(config -> feed.wrap(new HttpFeatureFetcher(config)))
            .subscriber(feed);
    if (!settings.sendMetrics()) {
      builder.disableMetrics();
    }
    return builder.build();
  }

  @Override
  public Resolution resolve(String flagKey, EvaluationContext context) {
    CatalogFlag flag = feed.catalog().flag(flagKey).orElse(null);
    DefaultUnleash client = unleash;
    if (flag == null || client == null) {
      return Resolution.notFound(flagKey);
    }
    if (flag.broken()) {
      return Resolution.error(flagKey, ErrorCode.PARSE_ERROR, flag.error());
    }
    if (!flag.enabled()) {
      return Resolution.disabled(flagKey);
    }
    String targetingKey = context.getTargetingKey();
    if ((targetingKey == null || targetingKey.isEmpty()) && flag.defaultVariant() != null) {
      return Resolution.targetingKeyMissing(flag.defaultVariant());
    }
    Variant variant = client.getVariant(flagKey, ContextMapper.toUnleash(context));
    if (!variant.isFeatureEnabled()) {
      // On, but no strategy matches this context: the caller's default.
      return new Resolution(flagKey, null, Reason.DEFAULT.name(), null, null);
    }
    if (!variant.isEnabled()) {
      return Resolution.served(flag.whenOn(), Reason.TARGETING_MATCH);
    }
    String payloadText = variant.getPayload().map(Payload::getValue).orElse(null);
    Optional<VariantPayload> served =
        flag.variant(variant.getName(), payloadText)
            .or(
                () ->
                    feed.fallbacks().stream()
                        .flatMap(c -> c.flag(flagKey).stream())
                        .flatMap(f -> f.variant(variant.getName(), payloadText).stream())
                        .findFirst());
    return served
        .map(p -> Resolution.served(p, flag.split() ? Reason.SPLIT : Reason.TARGETING_MATCH))
        .orElseGet(
            () ->
                Resolution.error(
                    flagKey,
                    ErrorCode.GENERAL,
                    "flag '"
                        + flagKey
                        + "': Unleash served variant '"
                        + variant.getName()
                        + "' that its fetched definition does not contain"));
  }

  @Override
  public Optional<VariantPayload> variant(String flagKey, String variantName) {
    return feed.catalog().flag(flagKey).flatMap(f -> f.variantNamed(variantName));
  }

  @Override
  public Set<String> flagKeys() {
    return feed.catalog().flags().keySet();
  }

  /** Whether the last fetch failed, so the flags served may be out of date. */
  public boolean stale() {
    return feed.stale();
  }

  /** The version of {@code flagKey} this client serves: changes when its definition does. */
  public Optional<String> servedVersion(String flagKey) {
    return feed.catalog().flag(flagKey).map(CatalogFlag::version);
  }

  /** Whether {@link #start} returned and {@link #close} was not called. */
  boolean started() {
    return serving && !closed;
  }

  /** The definition of {@code flagKey} this client serves, as Unleash sent it. */
  Optional<JsonNode> servedDefinition(String flagKey) {
    return feed.catalog().flag(flagKey).map(CatalogFlag::definition);
  }

  @Override
  public synchronized void close() {
    closed = true;
    feed.close();
    DefaultUnleash client = unleash;
    if (client != null) {
      client.shutdown();
    }
  }
}
