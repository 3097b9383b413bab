package dev.llmrollout.router.testing;

import dev.llmrollout.router.JudgeVerdict;
import dev.llmrollout.router.ShadowRecord;
import dev.llmrollout.router.ShadowSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps shadow pairs and verdicts in memory for assertions. */
public final class CollectingShadowSink implements ShadowSink {
  private final List<ShadowRecord> pairs = new CopyOnWriteArrayList<>();
  private final Map<String, JudgeVerdict> verdicts = new ConcurrentHashMap<>();

  @Override
  public void record(ShadowRecord pair) {
    pairs.add(pair);
  }

  @Override
  public void verdict(ShadowRecord pair, JudgeVerdict verdict) {
    verdicts.put(pair.requestHash(), verdict);
  }

  public List<ShadowRecord> pairs() {
    return List.copyOf(pairs);
  }

  public Map<String, JudgeVerdict> verdicts() {
    return Map.copyOf(verdicts);
  }
}
