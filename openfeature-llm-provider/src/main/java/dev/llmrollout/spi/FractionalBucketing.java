package dev.llmrollout.spi;

import java.nio.charset.StandardCharsets;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * flagd's fractional bucketing (v2), shared by every backend that splits traffic in-process, so a
 * user keeps their variant when a flag moves between backends and across ramps: murmur3 x86 32-bit
 * with seed 0 over the UTF-8 bytes of the bucketing key (flag key + targeting key by default), read
 * as unsigned and scaled to the total weight with {@code (hash * totalWeight) >>> 32}; the first
 * variant whose cumulative weight exceeds the bucket wins, so a ramp that only grows the last
 * variant's weight never moves its users out.
 */
public final class FractionalBucketing {
  private FractionalBucketing() {}

  /** The bucket, from 0 to {@code totalWeight - 1}, that {@code bucketingKey} falls into. */
  public static long bucketOf(String bucketingKey, long totalWeight) {
    byte[] bytes = bucketingKey.getBytes(StandardCharsets.UTF_8);
    long hash = Integer.toUnsignedLong(MurmurHash3.hash32x86(bytes, 0, bytes.length, 0));
    return (hash * totalWeight) >>> 32;
  }

  /**
   * The index of the weight {@code bucketingKey} falls into, weights taken in order.
   *
   * @param weights non-negative weights with a positive sum
   */
  public static int pick(String bucketingKey, long[] weights) {
    long total = 0;
    for (long weight : weights) {
      total += weight;
    }
    long bucket = bucketOf(bucketingKey, total);
    long cumulative = 0;
    for (int i = 0; i < weights.length; i++) {
      cumulative += weights[i];
      if (bucket < cumulative) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
