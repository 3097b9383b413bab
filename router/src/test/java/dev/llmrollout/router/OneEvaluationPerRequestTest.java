package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.router.testing.RouterHarness;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.HookContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, point 3: one request is one OpenFeature evaluation of its flag: the application's hooks
 * run once (before and after), the backend resolves the request's context once, and the typed
 * variant comes from that evaluation, not from a second trip to the provider.
 */
class OneEvaluationPerRequestTest {
  private static final String PROMPT_FLAG = "support-prompt";

  private final RouterHarness harness = new RouterHarness();
  private final CountingBackend backend = new CountingBackend(harness.backend);
  private final CountingHook hook = new CountingHook();
  private final OpenFeatureAPI openFeature = OpenFeatureAPI.createIsolated();
  private final LlmFeatureProvider provider = LlmFeatureProvider.builder(backend).build();

  @AfterEach
  void stop() {
    openFeature.shutdown();
    harness.close();
  }

  private ModelRouter router(boolean fallback) {
    openFeature.setProviderAndWait(provider);
    Client client = openFeature.getClient();
    client.addHooks(hook);
    ModelRouterBuilder builder =
        ModelRouter.builder(client, provider, harness.endpoints())
            .retry(RetryPolicy.of(1, Duration.ZERO, Duration.ZERO))
            .shadowSink(harness.shadowSink);
    if (fallback) {
      builder.fallbackToDefaultOnError(RouterHarness.MODEL_FLAG);
    }
    return harness.build(builder);
  }

  @Test
  void aRoutedRequestEvaluatesItsFlagOnce() {
    ModelRouter router = router(false);

    RoutedResponse answer =
        router.route(
            RouteRequest.builder(RouterHarness.MODEL_FLAG)
                .sessionId("s-1")
                .variable("product", "parcels")
                .build());

    assertThat(hook.before(RouterHarness.MODEL_FLAG)).isEqualTo(1);
    assertThat(hook.after(RouterHarness.MODEL_FLAG)).isEqualTo(1);
    assertThat(hook.variantsSeen()).containsExactly(answer.modelFlag().variant());
    assertThat(backend.resolutions(RouterHarness.MODEL_FLAG)).isEqualTo(1);
    assertThat(backend.lookups()).isZero();
  }

  @Test
  void aStreamedRequestWithAPromptFlagEvaluatesEachFlagOnce() {
    harness.backend.flag(
        PROMPT_FLAG,
        "v1",
        Map.of("v1", "{\"prompt\": {\"id\": \"support\", \"version\": \"1\"}}"),
        RouterHarness.weights("v1", 100));
    ModelRouter router = router(false);

    router.routeStreaming(
        RouteRequest.builder(RouterHarness.MODEL_FLAG)
            .promptFlag(PROMPT_FLAG)
            .sessionId("s-2")
            .build(),
        chunk -> {});

    assertThat(hook.after(RouterHarness.MODEL_FLAG)).isEqualTo(1);
    assertThat(hook.after(PROMPT_FLAG)).isEqualTo(1);
    assertThat(backend.resolutions(RouterHarness.MODEL_FLAG)).isEqualTo(1);
    assertThat(backend.resolutions(PROMPT_FLAG)).isEqualTo(1);
    assertThat(backend.lookups()).isZero();
  }

  @Test
  void aFallbackToTheDefaultVariantRunsTheHooksOnceAndDoesNotEvaluateTheRequestAgain() {
    harness.backend.flag(
        RouterHarness.MODEL_FLAG,
        "stable",
        Map.of("stable", RouterHarness.STABLE, "canary", RouterHarness.CANARY),
        RouterHarness.weights("canary", 100));
    harness.canary.enqueue(Reply.status(500));
    ModelRouter router = router(true);

    RoutedResponse answer =
        router.route(
            RouteRequest.builder(RouterHarness.MODEL_FLAG)
                .sessionId("s-3")
                .variable("product", "parcels")
                .build());

    assertThat(answer.fallback()).isTrue();
    assertThat(answer.modelFlag().variant()).isEqualTo("stable");
    assertThat(hook.before(RouterHarness.MODEL_FLAG)).isEqualTo(1);
    assertThat(hook.after(RouterHarness.MODEL_FLAG)).isEqualTo(1);
    assertThat(hook.variantsSeen()).containsExactly("canary");
    assertThat(backend.resolutionsFor("s-3")).isEqualTo(1);
    assertThat(backend.resolutions(RouterHarness.MODEL_FLAG))
        .as("the request's evaluation, then one read of the default variant")
        .isEqualTo(2);
    assertThat(backend.lookups()).as("the default's payload came with that read").isZero();
  }

  /** Counts what a backend is asked, delegating every answer. */
  private static final class CountingBackend implements FlagBackend {
    private final FlagBackend delegate;
    private final Map<String, AtomicInteger> resolutions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> byTargetingKey = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();

    CountingBackend(FlagBackend delegate) {
      this.delegate = delegate;
    }

    int resolutions(String flagKey) {
      return resolutions.getOrDefault(flagKey, new AtomicInteger()).get();
    }

    int resolutionsFor(String targetingKey) {
      return byTargetingKey.getOrDefault(targetingKey, new AtomicInteger()).get();
    }

    int lookups() {
      return lookups.get();
    }

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public void start(BackendListener listener, Duration timeout) {
      delegate.start(listener, timeout);
    }

    @Override
    public Resolution resolve(String flagKey, EvaluationContext context) {
      resolutions.computeIfAbsent(flagKey, k -> new AtomicInteger()).incrementAndGet();
      String targetingKey = context.getTargetingKey();
      if (targetingKey != null) {
        byTargetingKey.computeIfAbsent(targetingKey, k -> new AtomicInteger()).incrementAndGet();
      }
      return delegate.resolve(flagKey, context);
    }

    @Override
    public Optional<VariantPayload> variant(String flagKey, String variantName) {
      lookups.incrementAndGet();
      return delegate.variant(flagKey, variantName);
    }

    @Override
    public Set<String> flagKeys() {
      return delegate.flagKeys();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** An application's hook that counts the stages it runs, per flag. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class CountingHook implements Hook {
    private final Map<String, AtomicInteger> before = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> after = new ConcurrentHashMap<>();
    private final List<String> variants = new CopyOnWriteArrayList<>();

    int before(String flagKey) {
      return before.getOrDefault(flagKey, new AtomicInteger()).get();
    }

    int after(String flagKey) {
      return after.getOrDefault(flagKey, new AtomicInteger()).get();
    }

    List<String> variantsSeen() {
      return variants;
    }

    @Override
    public Optional<EvaluationContext> before(HookContext ctx, Map hints) {
      before.computeIfAbsent(ctx.getFlagKey(), k -> new AtomicInteger()).incrementAndGet();
      return Optional.empty();
    }

    @Override
    public void after(HookContext ctx, FlagEvaluationDetails details, Map hints) {
      after.computeIfAbsent(ctx.getFlagKey(), k -> new AtomicInteger()).incrementAndGet();
      if (RouterHarness.MODEL_FLAG.equals(ctx.getFlagKey())) {
        variants.add(details.getVariant());
      }
    }
  }
}
