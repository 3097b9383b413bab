package dev.llmrollout.signals;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * The hash buckets of targeting keys that every signal is kept in, so the guard can estimate
 * variances between buckets (a user always lands in one bucket, so the correlation between one
 * user's requests stays inside it) while every counter remains a plain sum that adds up across
 * processes.
 *
 * <p>The bucket hash is independent of the assignment hash: assignment uses murmur3 x86 32-bit with
 * seed 0 over flag key + targeting key ({@code FractionalBucketing}); buckets use murmur3 x64
 * 128-bit with {@link #SEED} over a salted targeting key alone, so a bucket holds users of both
 * arms in proportion to the split, and a user keeps one bucket in every flag.
 */
public final class UnitBuckets {
  /** How many buckets: 64 gives a variance estimate with 63 degrees of freedom. */
  public static final int COUNT = 64;

  /** The seed of the bucket hash; the assignment hash uses 0. */
  public static final int SEED = 0x5eed_b0c5;

  private static final String SALT = "llm-rollout/signal-bucket/";

  private UnitBuckets() {}

  /**
   * The bucket of {@code targetingKey}; a request without one is its own unit and lands in a random
   * bucket.
   */
  public static int of(String targetingKey) {
    if (targetingKey == null || targetingKey.isEmpty()) {
      return ThreadLocalRandom.current().nextInt(COUNT);
    }
    return Math.floorMod(unitHash(targetingKey), COUNT);
  }

  /** The 64-bit unit hash the bucket is taken from; also the key of first-exposure tracking. */
  public static long unitHash(String targetingKey) {
    byte[] bytes = (SALT + targetingKey).getBytes(StandardCharsets.UTF_8);
    return MurmurHash3.hash128x64(bytes, 0, bytes.length, SEED)[0];
  }
}
