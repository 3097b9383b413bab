package dev.llmrollout.guard;

/** A rollout that may not start: it breaks the version policy or overlaps a running rollout. */
public class RolloutRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RolloutRefusedException(String message) {
    super(message);
  }
}
