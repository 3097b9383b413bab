package dev.llmrollout.router.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gate's verdict on paired outcomes: strict mode fails on any case the candidate loses, net
 * mode when McNemar's test finds the candidate's pass rate significantly lower; both fail on an
 * intent whose pass rate drops by more than the margin. Only cases evaluated on both variants
 * count: a case that errored on either (no answer after retries, no judge verdict) is neither a
 * pass nor a loss, and any such case makes an otherwise clean run {@link Outcome#INCONCLUSIVE}, as
 * does a run with no case evaluated. A regression found among the evaluated cases still blocks.
 *
 * @param outcome pass, regression or inconclusive
 * @param reasons why it did not pass (empty when it passed)
 * @param regressedCases ids of cases that pass on the baseline and fail on the candidate
 * @param improvedCases ids of cases that fail on the baseline and pass on the candidate
 * @param erroredCases ids of cases that could not be evaluated on one variant or both
 * @param mcnemar McNemar's test on the discordant cases
 * @param intents pass counts per intent over the evaluated cases, in name order
 * @param overall pass counts over every evaluated case
 */
public record GateDecision(
    Outcome outcome,
    List<String> reasons,
    List<String> regressedCases,
    List<String> improvedCases,
    List<String> erroredCases,
    McNemarTest.Result mcnemar,
    Map<String, PassCounts> intents,
    PassCounts overall) {

  public GateDecision {
    reasons = List.copyOf(reasons);
    regressedCases = List.copyOf(regressedCases);
    improvedCases = List.copyOf(improvedCases);
    erroredCases = List.copyOf(erroredCases);
    intents = Collections.unmodifiableMap(new TreeMap<>(intents));
  }

  /** What the gate concluded. */
  public enum Outcome {
    /** Every case was evaluated on both variants and the candidate may proceed. */
    PASS,
    /** The candidate loses cases beyond what the mode allows: it is blocked. */
    REGRESSION,
    /** Cases errored (or none ran), so the run cannot vouch for the candidate: run it again. */
    INCONCLUSIVE
  }

  /** True only when every case was evaluated and the candidate may proceed. */
  public boolean passed() {
    return outcome == Outcome.PASS;
  }

  /**
   * How many cases passed on each variant.
   *
   * @param cases cases run
   * @param baselinePassed cases that passed on the baseline
   * @param candidatePassed cases that passed on the candidate
   */
  public record PassCounts(int cases, int baselinePassed, int candidatePassed) {
    public double baselineRate() {
      return cases == 0 ? 0 : (double) baselinePassed / cases;
    }

    public double candidateRate() {
      return cases == 0 ? 0 : (double) candidatePassed / cases;
    }

    PassCounts plus(VariantOutcome.Pair pair) {
      return new PassCounts(
          cases + 1,
          baselinePassed + (pair.baseline().passed() ? 1 : 0),
          candidatePassed + (pair.candidate().passed() ? 1 : 0));
    }
  }

  /** Decides on {@code pairs} under {@code policy}. */
  public static GateDecision decide(List<VariantOutcome.Pair> pairs, EvalPolicy policy) {
    List<String> regressed = new ArrayList<>();
    List<String> improved = new ArrayList<>();
    List<String> errored = new ArrayList<>();
    Map<String, PassCounts> intents = new TreeMap<>();
    PassCounts overall = new PassCounts(0, 0, 0);
    for (VariantOutcome.Pair pair : pairs) {
      if (pair.errored()) {
        errored.add(pair.evalCase().id());
        continue;
      }
      if (pair.regressed()) {
        regressed.add(pair.evalCase().id());
      }
      if (pair.improved()) {
        improved.add(pair.evalCase().id());
      }
      intents.merge(
          pair.evalCase().intent(), new PassCounts(0, 0, 0).plus(pair), GateDecision::sum);
      overall = overall.plus(pair);
    }
    McNemarTest.Result mcnemar =
        McNemarTest.oneSided(regressed.size(), improved.size(), policy.exactBelow());
    List<String> reasons = new ArrayList<>();
    if (policy.mode() == EvalPolicy.Mode.STRICT && !regressed.isEmpty()) {
      reasons.add(
          "strict: " + regressed.size() + " case(s) pass on the baseline but fail: " + regressed);
    }
    if (policy.mode() == EvalPolicy.Mode.NET && mcnemar.pValue() < policy.alpha()) {
      reasons.add(
          String.format(
              Locale.ROOT,
              "net: the candidate passes significantly less often (lost %d, gained %d, McNemar"
                  + " %s p=%.4f < alpha %.3f)",
              mcnemar.baselineOnly(),
              mcnemar.candidateOnly(),
              mcnemar.method(),
              mcnemar.pValue(),
              policy.alpha()));
    }
    intents.forEach(
        (intent, counts) -> {
          double drop = counts.baselineRate() - counts.candidateRate();
          if (drop > policy.intentMargin() + 1e-12) {
            reasons.add(
                String.format(
                    Locale.ROOT,
                    "intent '%s': pass rate drops from %.1f%% to %.1f%%, more than the %.1f-point"
                        + " margin",
                    intent,
                    100 * counts.baselineRate(),
                    100 * counts.candidateRate(),
                    100 * policy.intentMargin()));
          }
        });
    Outcome outcome = Outcome.REGRESSION;
    if (reasons.isEmpty()) {
      outcome = errored.isEmpty() && overall.cases() > 0 ? Outcome.PASS : Outcome.INCONCLUSIVE;
      if (!errored.isEmpty()) {
        reasons.add(
            errored.size()
                + " of "
                + pairs.size()
                + " case(s) could not be evaluated on both variants: "
                + errored);
      } else if (overall.cases() == 0) {
        reasons.add("no case was evaluated");
      }
    }
    return new GateDecision(
        outcome, reasons, regressed, improved, errored, mcnemar, intents, overall);
  }

  private static PassCounts sum(PassCounts a, PassCounts b) {
    return new PassCounts(
        a.cases() + b.cases(),
        a.baselinePassed() + b.baselinePassed(),
        a.candidatePassed() + b.candidatePassed());
  }
}
