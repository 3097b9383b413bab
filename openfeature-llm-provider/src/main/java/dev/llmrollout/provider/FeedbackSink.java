package dev.llmrollout.provider;

/**
 * Receives attributed feedback, for example the router's per-variant signal store that the rollout
 * guard reads. Called on the application's thread: implementations must not block.
 */
@FunctionalInterface
public interface FeedbackSink {
  void record(FeedbackEvent event);
}
