package dev.llmrollout.router.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.variant.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 10.3: strict and net decisions, and the per-intent margin")
class GateDecisionTest {
  private final List<VariantOutcome.Pair> pairs = new ArrayList<>();

  private static VariantOutcome outcome(boolean passed) {
    return new VariantOutcome(
        passed,
        passed ? List.of() : List.of("is a refusal"),
        1,
        List.of(),
        Optional.empty(),
        100,
        20,
        OptionalDouble.empty());
  }

  private static VariantOutcome errored() {
    return new VariantOutcome(
        false,
        List.of("call failed: CONNECT: connection refused"),
        3,
        List.of("CONNECT: connection refused", "CONNECT: connection refused"),
        Optional.of("CONNECT: connection refused"),
        -1,
        -1,
        OptionalDouble.empty());
  }

  private void cases(String intent, int count, boolean baseline, boolean candidate) {
    cases(intent, count, outcome(baseline), outcome(candidate));
  }

  private void cases(String intent, int count, VariantOutcome baseline, VariantOutcome candidate) {
    for (int i = 0; i < count; i++) {
      EvalCase c =
          new EvalCase(
              intent + "-" + label(baseline) + label(candidate) + "-" + i,
              intent,
              List.of(new ChatMessage("user", "hi")),
              Map.of(),
              List.of(new CaseCheck.NotRefusal()),
              Optional.empty(),
              pairs.size() + 1);
      pairs.add(new VariantOutcome.Pair(c, baseline, candidate));
    }
  }

  private static String label(VariantOutcome outcome) {
    return outcome.errored() ? "error" : String.valueOf(outcome.passed());
  }

  private static EvalPolicy net(double intentMargin) {
    return new EvalPolicy(EvalPolicy.Mode.NET, 0.05, 25, intentMargin);
  }

  @Test
  @DisplayName("strict: a single lost case fails, even when another is gained")
  void strictFailsOnAnyLostCase() {
    cases("billing", 20, true, true);
    cases("billing", 1, true, false);
    cases("billing", 1, false, true);

    GateDecision strict = GateDecision.decide(pairs, EvalPolicy.strict());

    assertThat(strict.passed()).isFalse();
    assertThat(strict.regressedCases()).containsExactly("billing-truefalse-0");
    assertThat(strict.improvedCases()).containsExactly("billing-falsetrue-0");
    assertThat(strict.reasons()).singleElement().asString().startsWith("strict: 1 case(s)");
  }

  @Test
  @DisplayName("net: a swap (lose one, gain one) is fine")
  void netAcceptsASwap() {
    cases("billing", 20, true, true);
    cases("billing", 1, true, false);
    cases("billing", 1, false, true);

    GateDecision net = GateDecision.decide(pairs, net(0.10));

    assertThat(net.passed()).isTrue();
    assertThat(net.reasons()).isEmpty();
    assertThat(net.mcnemar().pValue()).isEqualTo(0.75);
  }

  @Test
  @DisplayName("net: a significant loss fails with McNemar's numbers")
  void netFailsOnSignificantLoss() {
    cases("billing", 60, true, true);
    cases("billing", 8, true, false);
    cases("shipping", 60, true, true);
    cases("shipping", 1, false, true);

    GateDecision net = GateDecision.decide(pairs, net(0.50));

    assertThat(net.passed()).isFalse();
    assertThat(net.mcnemar().method()).isEqualTo("exact-binomial");
    assertThat(net.mcnemar().pValue())
        .isCloseTo(10.0 / 512, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(net.reasons())
        .singleElement()
        .asString()
        .contains("lost 8, gained 1", "exact-binomial", "p=0.0195");
  }

  @Test
  @DisplayName("both modes: an intent whose pass rate drops beyond the margin fails")
  void intentMarginFailsBothModes() {
    cases("billing", 30, true, true);
    cases("billing", 2, false, true);
    cases("payment", 3, true, true);
    cases("payment", 1, true, false);

    GateDecision net = GateDecision.decide(pairs, net(0.10));

    assertThat(net.mcnemar().pValue()).as("not significant overall").isGreaterThan(0.05);
    assertThat(net.passed()).isFalse();
    assertThat(net.reasons())
        .singleElement()
        .asString()
        .contains("intent 'payment'", "100.0% to 75.0%", "10.0-point margin");
    assertThat(net.intents().get("payment")).isEqualTo(new GateDecision.PassCounts(4, 4, 3));
    assertThat(net.overall()).isEqualTo(new GateDecision.PassCounts(36, 34, 35));
    assertThat(GateDecision.decide(pairs, net(0.30)).passed()).as("within a wider margin").isTrue();
  }

  @Test
  @DisplayName("a candidate no worse anywhere passes both modes")
  void noRegressionPasses() {
    cases("billing", 10, true, true);
    cases("billing", 2, false, false);
    cases("payment", 3, false, true);

    assertThat(GateDecision.decide(pairs, EvalPolicy.strict()).passed()).isTrue();
    assertThat(GateDecision.decide(pairs, net(0.0)).passed()).isTrue();
  }

  @Test
  @DisplayName("issue 17.1: both endpoints down is INCONCLUSIVE, never a pass, in either mode")
  void nothingEvaluatedIsInconclusive() {
    cases("billing", 12, errored(), errored());

    for (EvalPolicy policy : List.of(EvalPolicy.strict(), net(0.10))) {
      GateDecision decision = GateDecision.decide(pairs, policy);
      assertThat(decision.outcome()).isEqualTo(GateDecision.Outcome.INCONCLUSIVE);
      assertThat(decision.passed()).isFalse();
      assertThat(decision.erroredCases()).hasSize(12);
      assertThat(decision.overall().cases()).as("errored cases are not evaluated").isZero();
      assertThat(decision.reasons())
          .singleElement()
          .asString()
          .contains("12 of 12 case(s) could not be evaluated");
    }
  }

  @Test
  @DisplayName("issue 17.1: a case that errored on the candidate only is neither a pass nor a loss")
  void oneErroredCaseMakesACleanRunInconclusive() {
    cases("billing", 10, true, true);
    cases("payment", 1, outcome(true), errored());

    GateDecision decision = GateDecision.decide(pairs, EvalPolicy.strict());

    assertThat(decision.outcome()).isEqualTo(GateDecision.Outcome.INCONCLUSIVE);
    assertThat(decision.regressedCases()).as("an error is not a regression").isEmpty();
    assertThat(decision.erroredCases()).containsExactly("payment-trueerror-0");
    assertThat(decision.overall()).isEqualTo(new GateDecision.PassCounts(10, 10, 10));
  }

  @Test
  @DisplayName("issue 17.1: a regression among the evaluated cases still blocks, errors or not")
  void aRegressionWinsOverErrors() {
    cases("billing", 10, true, true);
    cases("billing", 1, true, false);
    cases("payment", 1, errored(), outcome(true));

    GateDecision decision = GateDecision.decide(pairs, EvalPolicy.strict());

    assertThat(decision.outcome()).isEqualTo(GateDecision.Outcome.REGRESSION);
    assertThat(decision.erroredCases()).containsExactly("payment-errortrue-0");
  }

  @Test
  @DisplayName("issue 17.1: an empty run is inconclusive")
  void anEmptyRunIsInconclusive() {
    assertThat(GateDecision.decide(pairs, EvalPolicy.strict()).outcome())
        .isEqualTo(GateDecision.Outcome.INCONCLUSIVE);
  }
}
