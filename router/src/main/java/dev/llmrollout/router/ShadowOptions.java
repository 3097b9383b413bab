package dev.llmrollout.router;

/**
 * How shadow calls run: a bounded pool and queue (a full queue drops the call and counts it, so the
 * user's request never waits), a budget per shadow variant per minute, and the judge's sample.
 *
 * <pre>{@code
 * ShadowOptions shadow = ShadowOptions.custom().threads(4).queueCapacity(500)
 *     .requestsPerMinute(600).tokensPerMinute(200_000).judgeSampleRate(0.05).build();
 * }</pre>
 *
 * @param threads worker threads for shadow and judge calls
 * @param queueCapacity calls waiting for a worker before new ones are dropped
 * @param requestsPerMinute shadow calls per shadow variant per minute; 0 means no limit
 * @param tokensPerMinute tokens per shadow variant per minute; 0 means no limit
 * @param judgeSampleRate the share (0 to 1) of recorded pairs sent to the judge
 */
public record ShadowOptions(
    int threads,
    int queueCapacity,
    long requestsPerMinute,
    long tokensPerMinute,
    double judgeSampleRate) {

  public ShadowOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("shadow threads: expected at least 1");
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("shadow queueCapacity: expected at least 1");
    }
    if (requestsPerMinute < 0 || tokensPerMinute < 0) {
      throw new IllegalArgumentException("shadow budget: expected 0 (no limit) or more per minute");
    }
    if (!(judgeSampleRate >= 0 && judgeSampleRate <= 1)) {
      throw new IllegalArgumentException("shadow judgeSampleRate: expected a number from 0 to 1");
    }
  }

  /** Two threads, a queue of 1,000, no budget limit, no judging. */
  public static ShadowOptions ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  /** Builds {@link ShadowOptions}; unset fields keep their defaults. */
  public static final class Builder {
    private int threads = 2;
    private int queueCapacity = 1_000;
    private long requestsPerMinute;
    private long tokensPerMinute;
    private double judgeSampleRate;

    private Builder() {}

    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    public Builder queueCapacity(int capacity) {
      this.queueCapacity = capacity;
      return this;
    }

    public Builder requestsPerMinute(long limit) {
      this.requestsPerMinute = limit;
      return this;
    }

    public Builder tokensPerMinute(long limit) {
      this.tokensPerMinute = limit;
      return this;
    }

    public Builder judgeSampleRate(double rate) {
      this.judgeSampleRate = rate;
      return this;
    }

    public ShadowOptions build() {
      return new ShadowOptions(
          threads, queueCapacity, requestsPerMinute, tokensPerMinute, judgeSampleRate);
    }
  }
}
