package dev.llmrollout.router;

/**
 * Where shadow pairs and judge verdicts go; {@link JsonLinesShadowSink} by default. Called on
 * shadow worker threads, never on the request path; implementations must be thread-safe.
 */
public interface ShadowSink extends AutoCloseable {
  void record(ShadowRecord pair);

  /** A judge's verdict on a pair recorded earlier. */
  default void verdict(ShadowRecord pair, JudgeVerdict verdict) {}

  @Override
  default void close() {}
}
