package dev.llmrollout.local.example;

import dev.llmrollout.local.LocalFileBackend;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.nio.file.Path;
import java.util.Map;

/**
 * Resolves the example flags for a few users through OpenFeature and prints who gets which model
 * and prompt: {@code java ... WhoGetsWhichModel [flags.json]}.
 */
public final class WhoGetsWhichModel {
  private WhoGetsWhichModel() {}

  public static void main(String[] args) {
    Path flags = Path.of(args.length > 0 ? args[0] : "examples/flags.json");
    OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    api.setProviderAndWait(LlmFeatureProvider.builder(LocalFileBackend.watching(flags)).build());
    Client client = api.getClient();
    System.out.printf(
        "%-14s %-9s %-8s %-22s %-8s %-14s %s%n",
        "session", "tier", "variant", "model", "version", "endpoint", "prompt");
    for (int i = 1; i <= 12; i++) {
      String tier = i == 12 ? "internal" : "free";
      ImmutableContext context =
          new ImmutableContext("session-" + i, Map.of("tier", new Value(tier)));
      FlagEvaluationDetails<Value> model =
          client.getObjectDetails("support-model", new Value(), context);
      FlagEvaluationDetails<Value> prompt =
          client.getObjectDetails("support-prompt", new Value(), context);
      System.out.printf(
          "%-14s %-9s %-8s %-22s %-8s %-14s %s v%s (%s)%n",
          "session-" + i,
          tier,
          model.getVariant(),
          model.getFlagMetadata().getString("model"),
          model.getFlagMetadata().getString("modelVersion"),
          model.getFlagMetadata().getString("endpoint"),
          prompt.getFlagMetadata().getString("promptId"),
          prompt.getFlagMetadata().getString("promptVersion"),
          prompt.getReason());
    }
    api.shutdown();
  }
}
