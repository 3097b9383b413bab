package dev.llmrollout.router.cli;

/**
 * The one exit-code scheme of every {@code llm-router} verb (documented once, in the README).
 *
 * <ul>
 *   <li>{@value #OK}: done, and verified where the verb verifies
 *   <li>{@value #FAILED}: the action or the check failed (a regression, a refused or unverified
 *       write, an unreachable gateway)
 *   <li>{@value #USAGE}: bad usage or configuration (an option, a file, a missing variable):
 *       nothing was done
 *   <li>{@value #INCONCLUSIVE}: the verb could not decide (an eval with cases that errored)
 * </ul>
 */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int INCONCLUSIVE = 3;

  private ExitCodes() {}
}
