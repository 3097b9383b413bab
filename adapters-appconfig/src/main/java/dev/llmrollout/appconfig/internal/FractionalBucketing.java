package dev.llmrollout.appconfig.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * flagd's fractional bucketing (v2), the same the local backend uses, so that a user keeps their
 * variant when a flag moves between backends and across ramps: murmur3_x86_32 with seed 0 over the
 * UTF-8 bytes of flag key + targeting key, read as an unsigned 32-bit number, scaled to the total
 * weight; the first variant whose cumulative weight exceeds the bucket wins.
 */
public final class FractionalBucketing {
  private FractionalBucketing() {}

  /** The bucket of {@code flagKey}+{@code targetingKey} in {@code [0, totalWeight)}. */
  public static long bucket(String flagKey, String targetingKey, long totalWeight) {
    byte[] bytes = (flagKey + targetingKey).getBytes(StandardCharsets.UTF_8);
    long unsigned = MurmurHash3.hash32x86(bytes, 0, bytes.length, 0) & 0xffffffffL;
    return (unsigned * totalWeight) >>> 32;
  }

  /** The index of the variant {@code targetingKey} falls in, given weights in variant order. */
  public static int pick(String flagKey, String targetingKey, List<Integer> weights) {
    long total = 0;
    for (int weight : weights) {
      total += weight;
    }
    long bucket = bucket(flagKey, targetingKey, total);
    long cumulative = 0;
    for (int i = 0; i < weights.size(); i++) {
      cumulative += weights.get(i);
      if (bucket < cumulative) {
        return i;
      }
    }
    return weights.size() - 1;
  }
}
