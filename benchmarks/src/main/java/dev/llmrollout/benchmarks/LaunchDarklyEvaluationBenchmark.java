package dev.llmrollout.benchmarks;

import com.launchdarkly.sdk.EvaluationDetail;
import com.launchdarkly.sdk.LDContext;
import com.launchdarkly.sdk.LDValue;
import com.launchdarkly.sdk.server.Components;
import com.launchdarkly.sdk.server.LDClient;
import com.launchdarkly.sdk.server.LDConfig;
import dev.llmrollout.benchmarks.internal.ConstantProvider;
import dev.llmrollout.benchmarks.internal.LaunchDarklyStreamServer;
import dev.llmrollout.launchdarkly.LaunchDarklyBackend;
import dev.llmrollout.launchdarkly.LaunchDarklyEndpoints;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Issue 9, point 1 (LaunchDarkly): our provider over the LaunchDarkly backend against the
 * LaunchDarkly SDK's own evaluation of the same flag (rule, then 90/10 rollout), both SDK clients
 * fed by the same local LaunchDarkly stream. The other rows split our cost into parts: the same
 * OpenFeature client call over a provider that returns a constant (the floor the OpenFeature SDK
 * sets under any provider), the same with the provider reading the context's attributes, and the
 * raw SDK building its context on each call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class LaunchDarklyEvaluationBenchmark {
  private static final int USERS = 1024;

  /** Not a secret: a placeholder the local stream server accepts. */
  private static final String LOCAL_SDK_KEY = "sdk-benchmark-local";

  private LaunchDarklyStreamServer stream;
  private OpenFeatureAPI openFeature;
  private Client client;
  private OpenFeatureAPI floorOpenFeature;
  private Client floorClient;
  private OpenFeatureAPI readingFloorOpenFeature;
  private Client readingFloorClient;
  private LDClient raw;
  private final EvaluationContext[] contexts = new EvaluationContext[USERS];
  private final LDContext[] ldContexts = new LDContext[USERS];
  private final String[] keys = new String[USERS];
  private int next;

  /** Starts the stream, the provider over the backend, and a plain SDK client. */
  @Setup(Level.Trial)
  public void start() {
    stream = LaunchDarklyStreamServer.start();
    LaunchDarklyEndpoints endpoints = LaunchDarklyEndpoints.allAt(stream.baseUri());
    openFeature = OpenFeatureAPI.createIsolated();
    openFeature.setProviderAndWait(
        LlmFeatureProvider.builder(
                LaunchDarklyBackend.builder(LOCAL_SDK_KEY)
                    .endpoints(endpoints)
                    .sendEvents(false)
                    .build())
            .build());
    client = openFeature.getClient();
    raw =
        new LDClient(
            LOCAL_SDK_KEY,
            new LDConfig.Builder()
                .serviceEndpoints(Components.serviceEndpoints().relayProxy(stream.baseUri()))
                .events(Components.noEvents())
                .diagnosticOptOut(true)
                .startWait(Duration.ofSeconds(10))
                .build());
    ImmutableMetadata metadata =
        ImmutableMetadata.builder()
            .addString("version", "1")
            .addString("model", "benchmark-model")
            .build();
    floorOpenFeature = OpenFeatureAPI.createIsolated();
    floorOpenFeature.setProviderAndWait(new ConstantProvider("stable", metadata));
    floorClient = floorOpenFeature.getClient();
    readingFloorOpenFeature = OpenFeatureAPI.createIsolated();
    readingFloorOpenFeature.setProviderAndWait(
        ConstantProvider.readingAttributes("stable", metadata));
    readingFloorClient = readingFloorOpenFeature.getClient();
    if (!raw.isInitialized()) {
      throw new IllegalStateException("the LaunchDarkly SDK did not read the local stream");
    }
    for (int i = 0; i < USERS; i++) {
      String key = "user-" + i;
      keys[i] = key;
      contexts[i] = new ImmutableContext(key, Map.of("tier", new Value("free")));
      ldContexts[i] = LDContext.builder(key).set("tier", "free").build();
    }
    FlagEvaluationDetails<String> ours = providerOverLaunchDarkly();
    if (ours.getErrorCode() != null) {
      throw new IllegalStateException(
          "the provider does not serve the flag: " + ours.getErrorMessage());
    }
  }

  /** Closes both clients and the stream. */
  @TearDown(Level.Trial)
  public void stop() throws IOException {
    openFeature.shutdown();
    floorOpenFeature.shutdown();
    readingFloorOpenFeature.shutdown();
    raw.close();
    stream.close();
  }

  private int nextUser() {
    next = (next + 1) & (USERS - 1);
    return next;
  }

  /** Our provider over the LaunchDarkly backend, through the OpenFeature client. */
  @Benchmark
  public FlagEvaluationDetails<String> providerOverLaunchDarkly() {
    return client.getStringDetails(LaunchDarklyStreamServer.FLAG, "", contexts[nextUser()]);
  }

  /** Baseline: the LaunchDarkly SDK's own evaluation of the same flag, with reasons. */
  @Benchmark
  public EvaluationDetail<LDValue> rawLaunchDarklySdk() {
    return raw.jsonValueVariationDetail(
        LaunchDarklyStreamServer.FLAG, ldContexts[nextUser()], LDValue.ofNull());
  }

  /**
   * Context: the LaunchDarkly SDK when the application builds the context on each call, as a
   * request handler does; our provider has to build it from the OpenFeature context every time.
   */
  @Benchmark
  public EvaluationDetail<LDValue> rawLaunchDarklySdkContextPerCall() {
    LDContext context = LDContext.builder(keys[nextUser()]).set("tier", "free").build();
    return raw.jsonValueVariationDetail(LaunchDarklyStreamServer.FLAG, context, LDValue.ofNull());
  }

  /**
   * Floor: the same OpenFeature client call with the same contexts over a provider that returns a
   * prebuilt evaluation, i.e. what the OpenFeature SDK costs before any provider does any work.
   */
  @Benchmark
  public FlagEvaluationDetails<String> openFeatureFloor() {
    return floorClient.getStringDetails(LaunchDarklyStreamServer.FLAG, "", contexts[nextUser()]);
  }

  /**
   * Floor for a provider with targeting: as {@link #openFeatureFloor} with the provider reading
   * every attribute of the context it is given, as it must to hand them to a vendor SDK.
   */
  @Benchmark
  public FlagEvaluationDetails<String> openFeatureFloorReadingAttributes() {
    return readingFloorClient.getStringDetails(
        LaunchDarklyStreamServer.FLAG, "", contexts[nextUser()]);
  }
}
