package dev.llmrollout.router.internal;

import java.util.List;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * Puts a call's tags into the logging MDC ({@code llm.flag}, {@code llm.variant}, {@code
 * llm.model}, {@code llm.modelVersion}, {@code llm.promptFlag}, {@code llm.promptVariant}) so every
 * line logged while routing carries them.
 */
public final class RoutingLogContext {
  private static final List<String> KEYS =
      List.of(
          "llm.flag",
          "llm.variant",
          "llm.model",
          "llm.modelVersion",
          "llm.promptFlag",
          "llm.promptVariant");

  private RoutingLogContext() {}

  public static void put(CallTags tags, Optional<String> modelVersion) {
    MDC.put("llm.flag", tags.flagKey());
    MDC.put("llm.variant", tags.variant());
    MDC.put("llm.model", tags.model());
    MDC.put("llm.modelVersion", modelVersion.orElse(""));
    if (tags.promptFlag() != null) {
      MDC.put("llm.promptFlag", tags.promptFlag());
      MDC.put("llm.promptVariant", tags.promptVariant());
    }
  }

  public static void clear() {
    KEYS.forEach(MDC::remove);
  }
}
