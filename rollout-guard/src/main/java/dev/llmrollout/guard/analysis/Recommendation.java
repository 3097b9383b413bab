package dev.llmrollout.guard.analysis;

/**
 * What an on-demand analysis suggests.
 *
 * @param action promote, roll back, or continue collecting
 * @param reason why, with the numbers
 */
public record Recommendation(Action action, String reason) {

  /** The suggested action. */
  public enum Action {
    PROMOTE,
    ROLL_BACK,
    CONTINUE
  }
}
