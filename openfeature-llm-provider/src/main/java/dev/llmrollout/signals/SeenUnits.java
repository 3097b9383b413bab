package dev.llmrollout.signals;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The units (64-bit unit hashes) one process has seen for one flag, in bounded memory: a Bloom
 * filter (Guava's, lock-free) sized for {@link #UNITS_PER_GENERATION} units at a 1 % false-positive
 * rate (about 1.2 MB), replaced by an empty one once that many units were added.
 *
 * <p>What the sample ratio test needs survives both approximations. A false positive (a new unit
 * taken for a seen one, under 1 % of new units, fewer while the filter fills) drops that unit's
 * first exposure whichever arm it is in, since the unit hash is independent of the assignment hash;
 * the arms' shares of first exposures stay the split. After a rotation a returning unit is counted
 * once more, in the arm it is served now, which is again a draw at the current split; such repeats
 * are what a fleet already has (a unit counts once per process that sees it).
 */
final class SeenUnits {
  /** Units a filter holds before it is replaced. */
  static final long UNITS_PER_GENERATION = 1L << 20;

  private static final double FALSE_POSITIVE_RATE = 0.01;

  private final long unitsPerGeneration;
  private final AtomicLong added = new AtomicLong();
  private volatile BloomFilter<Long> filter;

  SeenUnits() {
    this(UNITS_PER_GENERATION);
  }

  /** A filter replaced after {@code unitsPerGeneration} units (smaller ones for tests). */
  SeenUnits(long unitsPerGeneration) {
    this.unitsPerGeneration = unitsPerGeneration;
    this.filter = newFilter();
  }

  /**
   * True when {@code unitHash} was not seen since the filter was last replaced (or is a false
   * positive's complement: see the class comment).
   */
  boolean firstSighting(long unitHash) {
    BloomFilter<Long> current = filter;
    if (!current.put(unitHash)) {
      return false;
    }
    if (added.incrementAndGet() >= unitsPerGeneration) {
      rotate(current);
    }
    return true;
  }

  private synchronized void rotate(BloomFilter<Long> full) {
    if (filter == full) {
      filter = newFilter();
      added.set(0);
    }
  }

  private BloomFilter<Long> newFilter() {
    return BloomFilter.create(Funnels.longFunnel(), unitsPerGeneration, FALSE_POSITIVE_RATE);
  }
}
