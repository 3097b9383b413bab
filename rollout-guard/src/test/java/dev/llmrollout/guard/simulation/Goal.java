package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.simulation.ScenarioSummary.Share;
import java.util.Locale;
import java.util.function.Function;

/**
 * One goal of issue 14's table, judged on the runs: a share of runs at most (or at least) a target.
 *
 * @param what the goal as the table states it
 * @param measure which runs count
 * @param target the share the goal allows (at most) or demands (at least)
 * @param atMost true for a ceiling (false stops), false for a floor (catches, promotions)
 * @param ifMissed why the guard misses it when it does, for the reader
 */
record Goal(
    String what,
    Function<ScenarioSummary, Share> measure,
    double target,
    boolean atMost,
    String ifMissed) {

  static Goal atMost(String what, double target, Function<ScenarioSummary, Share> measure) {
    return new Goal(what, measure, target, true, "");
  }

  static Goal atLeast(
      String what, double target, Function<ScenarioSummary, Share> measure, String ifMissed) {
    return new Goal(what, measure, target, false, ifMissed);
  }

  /**
   * Met when the 95% interval lies on the goal's side; met on the estimate when only the estimate
   * does (the runs are too few to show it); otherwise missed, by how many percentage points.
   */
  String verdict(Share share) {
    boolean shown = atMost ? share.high() <= target : share.low() >= target;
    boolean estimate = atMost ? share.rate() <= target : share.rate() >= target;
    if (shown) {
      return "met (the interval shows it)";
    }
    if (estimate) {
      return "met on the estimate (the interval reaches past the goal)";
    }
    String missed =
        String.format(
            Locale.ROOT, "**missed** by %.1f points", 100 * Math.abs(share.rate() - target));
    if (share.low() <= target && target <= share.high()) {
      missed += " on the estimate; the interval contains the goal, so these runs cannot tell";
    }
    return ifMissed.isEmpty() ? missed : missed + ": " + ifMissed;
  }
}
