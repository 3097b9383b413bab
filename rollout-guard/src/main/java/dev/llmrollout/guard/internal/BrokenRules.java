package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.RuleCheck;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a rollback names the rules it broke, with the figures that broke them. */
final class BrokenRules {
  private BrokenRules() {}

  static String describe(List<RuleCheck> broken) {
    return broken.stream()
        .map(
            c ->
                String.format(
                    Locale.ROOT,
                    "%s in %s (effect %.4f, CI [%.4f, %.4f], p=%.2g, n=%d/%d)",
                    c.rule(),
                    c.segment(),
                    c.effect(),
                    c.lower(),
                    c.upper(),
                    c.pValue(),
                    c.stableSamples(),
                    c.canarySamples()))
        .collect(Collectors.joining("; "));
  }
}
