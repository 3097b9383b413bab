package dev.llmrollout.router.eval;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A single-line progress bar, redrawn in place with a carriage return each time the share done
 * moves by a percent; {@link #finish} ends the line.
 */
public final class ProgressLine implements EvalRunner.Progress {
  private static final int WIDTH = 30;

  private final PrintWriter out;
  private int lastPercent = -1;

  public ProgressLine(PrintWriter out) {
    this.out = out;
  }

  @Override
  public synchronized void advanced(int done, int total, int retries) {
    int percent = total == 0 ? 100 : (int) (100L * done / total);
    if (percent == lastPercent && done != total) {
      return;
    }
    lastPercent = percent;
    int filled = WIDTH * percent / 100;
    out.printf(
        Locale.ROOT,
        "\r[%s%s] %3d%% %d/%d calls%s",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        percent,
        done,
        total,
        retries == 0 ? "" : ", " + retries + " transient error(s) retried");
    out.flush();
  }

  /** Ends the progress line. */
  public synchronized void finish() {
    out.println();
    out.flush();
  }
}
