package dev.llmrollout.router.eval;

import java.io.PrintWriter;
import java.util.Locale;

/** Prints an {@link EvalReport} for people: per case, per intent, overall, and the verdict. */
public final class ReportTable {
  private ReportTable() {}

  /** Prints {@code report} to {@code out}. */
  public static void print(EvalReport report, PrintWriter out) {
    String b = report.baseline().name();
    String c = report.candidate().name();
    int idWidth =
        Math.max(
            4, report.pairs().stream().mapToInt(p -> p.evalCase().id().length()).max().orElse(4));
    int intentWidth =
        Math.max(
            6,
            report.pairs().stream().mapToInt(p -> p.evalCase().intent().length()).max().orElse(6));
    String row =
        "%-"
            + idWidth
            + "s  %-"
            + intentWidth
            + "s  %-"
            + Math.max(5, b.length())
            + "s  %-"
            + Math.max(5, c.length())
            + "s  %s%n";
    out.printf(Locale.ROOT, row, "case", "intent", b, c, "note");
    for (VariantOutcome.Pair pair : report.pairs()) {
      String note =
          pair.errored()
              ? "ERROR: " + errors(pair)
              : pair.regressed()
                  ? "REGRESSED: " + String.join("; ", pair.candidate().failures())
                  : pair.improved() ? "improved" : retries(pair);
      out.printf(
          Locale.ROOT,
          row,
          pair.evalCase().id(),
          pair.evalCase().intent(),
          verdict(pair.baseline()),
          verdict(pair.candidate()),
          note);
    }
    out.println();
    out.printf(Locale.ROOT, "%-" + intentWidth + "s  %7s  %14s  %14s%n", "intent", "cases", b, c);
    report
        .decision()
        .intents()
        .forEach((intent, counts) -> rates(out, intentWidth, intent, counts));
    rates(out, intentWidth, "overall", report.decision().overall());
    McNemarTest.Result m = report.decision().mcnemar();
    out.printf(
        Locale.ROOT,
        "%nMcNemar (%s): lost %d, gained %d, one-sided p=%.4f%n",
        m.method(),
        m.baselineOnly(),
        m.candidateOnly(),
        m.pValue());
    out.printf(
        Locale.ROOT,
        "payloads: %s sha256 %s, %s sha256 %s%n",
        b,
        report.baseline().payloadSha256(),
        c,
        report.candidate().payloadSha256());
    String mode = report.policy().mode().name().toLowerCase(Locale.ROOT);
    switch (report.decision().outcome()) {
      case PASS -> out.printf(Locale.ROOT, "PASS (%s mode): '%s' may proceed%n", mode, c);
      case REGRESSION -> {
        out.printf(Locale.ROOT, "REGRESSION (%s mode): '%s' is blocked%n", mode, c);
        report.decision().reasons().forEach(r -> out.println("  - " + r));
      }
      case INCONCLUSIVE -> {
        out.printf(
            Locale.ROOT,
            "INCONCLUSIVE (%s mode): '%s' was not fully evaluated; the rollout guard refuses this"
                + " report%n",
            mode,
            c);
        report.decision().reasons().forEach(r -> out.println("  - " + r));
        out.println(
            "  fix what the errors say (endpoints reachable? keys valid?) and run the eval again");
      }
    }
    out.flush();
  }

  private static String verdict(VariantOutcome outcome) {
    return outcome.passed() ? "pass" : outcome.error().isPresent() ? "error" : "FAIL";
  }

  private static String errors(VariantOutcome.Pair pair) {
    StringBuilder text = new StringBuilder();
    pair.baseline().error().ifPresent(e -> text.append("baseline: ").append(e));
    pair.candidate()
        .error()
        .ifPresent(e -> text.append(text.length() > 0 ? "; " : "").append("candidate: ").append(e));
    return text.toString();
  }

  private static String retries(VariantOutcome.Pair pair) {
    int retried = pair.baseline().retriedErrors().size() + pair.candidate().retriedErrors().size();
    return retried == 0 ? "" : retried + " transient error(s) retried";
  }

  private static void rates(
      PrintWriter out, int width, String name, GateDecision.PassCounts counts) {
    out.printf(
        Locale.ROOT,
        "%-" + width + "s  %7d  %5d (%5.1f%%)  %5d (%5.1f%%)%n",
        name,
        counts.cases(),
        counts.baselinePassed(),
        100 * counts.baselineRate(),
        counts.candidatePassed(),
        100 * counts.candidateRate());
  }
}
