package dev.llmrollout.examples.embedded;

import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.FlagValueType;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.HookContext;
import dev.openfeature.sdk.Value;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The application's own OpenFeature hook: after every object flag evaluation it puts the served
 * variant and model version into the SLF4J MDC, so every log line the application writes while
 * handling the request says which model answered. The keys are the application's ({@code
 * app.variant}, {@code app.modelVersion}); the router keeps its own {@code llm.*} keys apart.
 */
public final class VariantMdcHook implements Hook<Value> {
  /** The MDC key of the served variant. */
  public static final String VARIANT = "app.variant";

  /** The MDC key of the served variant's model version. */
  public static final String MODEL_VERSION = "app.modelVersion";

  @Override
  public boolean supportsFlagValueType(FlagValueType flagValueType) {
    return flagValueType == FlagValueType.OBJECT;
  }

  @Override
  public void after(
      HookContext<Value> ctx, FlagEvaluationDetails<Value> details, Map<String, Object> hints) {
    if (details.getVariant() != null) {
      MDC.put(VARIANT, details.getVariant());
    }
    String version = details.getFlagMetadata().getString("modelVersion");
    if (version != null) {
      MDC.put(MODEL_VERSION, version);
    }
  }

  /** Forgets the request's variant once the application has answered. */
  public static void clear() {
    MDC.remove(VARIANT);
    MDC.remove(MODEL_VERSION);
  }
}
