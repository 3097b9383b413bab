package dev.llmrollout.router.internal;

import java.nio.charset.StandardCharsets;

/**
 * Decides whether a targeting key falls within a sample, the same way every time for the same key
 * and flag, so a session is shadowed for all its requests or none.
 */
public final class StickySampler {
  private StickySampler() {}

  /**
   * True when {@code targetingKey} is in the first {@code rate} share (0 to 1) for {@code salt}.
   */
  public static boolean sampled(String salt, String targetingKey, double rate) {
    if (rate >= 1) {
      return true;
    }
    if (rate <= 0) {
      return false;
    }
    return fraction(salt + '\u0000' + targetingKey) < rate;
  }

  /** A stable value in [0, 1) from the 64-bit FNV-1a hash of the text, finished with a mixer. */
  static double fraction(String text) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    hash ^= hash >>> 33;
    hash *= 0xff51afd7ed558ccdL;
    hash ^= hash >>> 33;
    return (hash >>> 11) * 0x1.0p-53;
  }
}
