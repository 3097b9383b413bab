package dev.llmrollout.benchmarks;

import com.launchdarkly.sdk.EvaluationDetail;
import com.launchdarkly.sdk.LDContext;
import com.launchdarkly.sdk.LDValue;
import com.launchdarkly.sdk.server.Components;
import com.launchdarkly.sdk.server.LDClient;
import com.launchdarkly.sdk.server.LDConfig;
import com.launchdarkly.sdk.server.integrations.TestData;
import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.ScratchDirectory;
import dev.llmrollout.local.LocalFileBackend;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.spi.Resolution;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.io.IOException;
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
 * Issue 9, point 1: one flag evaluation through our provider and the OpenFeature client, against
 * the evaluation underneath it (the local backend's compiled flagd rule) and against LaunchDarkly's
 * SDK evaluating the same rule from its TestData source. Targeting keys cycle through 1,024 users
 * so the split's hashing is exercised rather than one cached key.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class FlagEvaluationBenchmark {
  private static final int USERS = 1024;

  private ScratchDirectory directory;
  private LocalFileBackend backend;
  private OpenFeatureAPI openFeature;
  private Client client;
  private LDClient launchDarkly;
  private final EvaluationContext[] contexts = new EvaluationContext[USERS];
  private final LDContext[] ldContexts = new LDContext[USERS];
  private int next;

  /** Starts the local backend under the provider, and the LaunchDarkly SDK on TestData. */
  @Setup(Level.Trial)
  public void start() throws IOException {
    directory = new ScratchDirectory("bench-flags");
    backend =
        LocalFileBackend.watching(
            BenchFlags.write(directory.resolve("flags.json"), BenchFlags.STABLE_JSON, 0));
    openFeature = OpenFeatureAPI.getInstance();
    openFeature.setProviderAndWait(LlmFeatureProvider.builder(backend).build());
    client = openFeature.getClient();

    TestData testData = TestData.dataSource();
    testData.update(
        testData
            .flag(BenchFlags.RULE_FLAG)
            .variations(
                LDValue.parse(BenchFlags.STABLE_JSON), LDValue.parse(BenchFlags.CANARY_JSON))
            .ifMatch("tier", LDValue.of("internal"))
            .thenReturn(1)
            .fallthroughVariation(0));
    LDConfig config =
        new LDConfig.Builder()
            .dataSource(testData)
            .events(Components.noEvents())
            .diagnosticOptOut(true)
            .build();
    // Not a secret: TestData never connects, but the SDK requires a key-shaped string.
    launchDarkly = new LDClient("sdk-benchmark-local", config);

    for (int i = 0; i < USERS; i++) {
      String key = "user-" + i;
      contexts[i] = new ImmutableContext(key, Map.of("tier", new Value("free")));
      ldContexts[i] = LDContext.builder(key).set("tier", "free").build();
    }
  }

  /** Closes the SDKs and removes the flags file. */
  @TearDown(Level.Trial)
  public void stop() throws IOException {
    openFeature.shutdown();
    launchDarkly.close();
    directory.close();
  }

  private int nextUser() {
    next = (next + 1) & (USERS - 1);
    return next;
  }

  /** Our provider through the OpenFeature client: the split flag (rule, then 90/10 split). */
  @Benchmark
  public FlagEvaluationDetails<String> providerSplitFlag() {
    return client.getStringDetails(BenchFlags.SPLIT_FLAG, "", contexts[nextUser()]);
  }

  /** Baseline: the local backend's own evaluation of the split flag, no OpenFeature around it. */
  @Benchmark
  public Resolution rawLocalSplitFlag() {
    return backend.resolve(BenchFlags.SPLIT_FLAG, contexts[nextUser()]);
  }

  /** Our provider through the OpenFeature client: the rule flag (rule, then default). */
  @Benchmark
  public FlagEvaluationDetails<String> providerRuleFlag() {
    return client.getStringDetails(BenchFlags.RULE_FLAG, "", contexts[nextUser()]);
  }

  /** Baseline: the local backend's own evaluation of the rule flag. */
  @Benchmark
  public Resolution rawLocalRuleFlag() {
    return backend.resolve(BenchFlags.RULE_FLAG, contexts[nextUser()]);
  }

  /** Reference: LaunchDarkly's SDK evaluating the same rule flag from TestData, with reasons. */
  @Benchmark
  public EvaluationDetail<LDValue> launchDarklySdkRuleFlag() {
    return launchDarkly.jsonValueVariationDetail(
        BenchFlags.RULE_FLAG, ldContexts[nextUser()], LDValue.ofNull());
  }
}
