package dev.llmrollout.guard;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One decision of the guard with everything that led to it.
 *
 * @param at when the check ran (the guard's clock)
 * @param flagKey the flag rolled out
 * @param decision what was decided
 * @param transition the state change it caused, if any
 * @param state the state after the decision
 * @param step the canary step index after the decision (-1 outside the canary)
 * @param reason a sentence for people
 * @param ruleChecks the statistics of every rule and segment tested
 * @param sampleRatio the sample ratio check, when one ran
 * @param actor who decided
 */
public record AuditRecord(
    Instant at,
    String flagKey,
    Decision decision,
    Optional<StateTransition> transition,
    RolloutState state,
    int step,
    String reason,
    List<RuleCheck> ruleChecks,
    Optional<SampleRatioCheck> sampleRatio,
    String actor) {

  public AuditRecord {
    ruleChecks = List.copyOf(ruleChecks);
  }

  /** The rule checks that broke. */
  public List<RuleCheck> brokenRules() {
    return ruleChecks.stream().filter(RuleCheck::broken).toList();
  }
}
