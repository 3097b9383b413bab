package dev.llmrollout.router.internal;

import dev.llmrollout.router.CallOutcome;
import java.util.Optional;
import java.util.OptionalDouble;

/** Turns a successful call into the {@link CallOutcome} the signal store counts. */
public final class CallOutcomes {
  private CallOutcomes() {}

  public static CallOutcome of(
      ChatResult result,
      Endpoint endpoint,
      String model,
      AnswerInspector inspector,
      boolean jsonRequested) {
    String answer = result.content();
    OptionalDouble cost =
        result.usageReported()
            ? endpoint
                .price(model)
                .map(p -> OptionalDouble.of(p.cost(result.inputTokens(), result.outputTokens())))
                .orElse(OptionalDouble.empty())
            : OptionalDouble.empty();
    return new CallOutcome(
        Optional.empty(),
        result.latencyNanos(),
        result.firstTokenNanos(),
        result.inputTokens(),
        result.outputTokens(),
        cost,
        inspector.refusal(answer),
        inspector.emptyOrShort(answer),
        jsonRequested,
        jsonRequested && !inspector.validJson(answer));
  }
}
