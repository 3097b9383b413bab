package dev.llmrollout.benchmarks;

import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.ScratchDirectory;
import dev.llmrollout.benchmarks.internal.UnleashBootstrap;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.unleash.UnleashBackend;
import dev.llmrollout.unleash.UnleashSettings;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.getunleash.DefaultUnleash;
import io.getunleash.UnleashContext;
import io.getunleash.util.UnleashConfig;
import io.getunleash.variant.Variant;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Issue 9, point 1 (Unleash): our provider over the Unleash backend against the Unleash client's
 * own {@code getVariant} on the same flag (a 90/10 flexibleRollout with JSON payloads), both
 * clients bootstrapped from the same backup file.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class UnleashEvaluationBenchmark {
  private static final int USERS = 1024;

  /** Not a secret: the API address is unreachable and nothing ever checks it. */
  private static final String PLACEHOLDER_TOKEN = "*:development.benchmark-placeholder";

  private ScratchDirectory directory;
  private OpenFeatureAPI openFeature;
  private Client client;
  private DefaultUnleash raw;
  private final EvaluationContext[] contexts = new EvaluationContext[USERS];
  private final UnleashContext[] unleashContexts = new UnleashContext[USERS];
  private int next;

  /** Starts the provider over the backend and a plain client, both from the bootstrap. */
  @Setup(Level.Trial)
  public void start() throws Exception {
    directory = new ScratchDirectory("bench-unleash");
    Path ours = UnleashBootstrap.write(directory.resolve("ours.json"));
    Path theirs = Files.copy(ours, directory.resolve("raw.json"));
    URI api = UnleashBootstrap.unreachableApi();
    openFeature = OpenFeatureAPI.createIsolated();
    openFeature.setProviderAndWait(
        LlmFeatureProvider.builder(
                new UnleashBackend(
                    UnleashSettings.builder(api)
                        .clientToken(PLACEHOLDER_TOKEN)
                        .appName("benchmark")
                        .backupFile(ours)
                        .fetchInterval(Duration.ofHours(1))
                        .sendMetrics(false)
                        .build()))
            .build());
    client = openFeature.getClient();
    raw =
        new DefaultUnleash(
            UnleashConfig.builder()
                .appName("benchmark-raw")
                .unleashAPI(api.toString())
                .apiKey(PLACEHOLDER_TOKEN)
                .backupFile(theirs.toString())
                .fetchTogglesInterval(3_600)
                .disableMetrics()
                .build());
    for (int i = 0; i < USERS; i++) {
      String key = "user-" + i;
      contexts[i] = new ImmutableContext(key);
      unleashContexts[i] = UnleashContext.builder().userId(key).build();
    }
    String served = raw.getVariant(BenchFlags.SPLIT_FLAG, unleashContexts[1]).getName();
    FlagEvaluationDetails<String> evaluated = providerOverUnleash();
    if (!served.equals("stable") && !served.equals("canary") || evaluated.getErrorCode() != null) {
      throw new IllegalStateException(
          "the bootstrapped clients do not serve the flag: raw "
              + served
              + ", provider "
              + evaluated.getErrorCode()
              + " "
              + evaluated.getErrorMessage());
    }
  }

  /** Closes both clients. */
  @TearDown(Level.Trial)
  public void stop() {
    openFeature.shutdown();
    raw.shutdown();
    directory.close();
  }

  private int nextUser() {
    next = (next + 1) & (USERS - 1);
    return next;
  }

  /** Our provider over the Unleash backend, through the OpenFeature client. */
  @Benchmark
  public FlagEvaluationDetails<String> providerOverUnleash() {
    return client.getStringDetails(BenchFlags.SPLIT_FLAG, "", contexts[nextUser()]);
  }

  /** Baseline: the Unleash client's own variant evaluation of the same flag. */
  @Benchmark
  public Variant rawUnleashClient() {
    return raw.getVariant(BenchFlags.SPLIT_FLAG, unleashContexts[nextUser()]);
  }
}
