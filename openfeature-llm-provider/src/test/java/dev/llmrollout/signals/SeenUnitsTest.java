package dev.llmrollout.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SeenUnitsTest {

  @Test
  @DisplayName("a unit is a first sighting once; a new unit is missed under 1 % of the time")
  void firstSightingOnceAndFewMisses() {
    SeenUnits seen = new SeenUnits(10_000);
    SplittableRandom random = new SplittableRandom(7);
    long[] units = random.longs(9_000).toArray();
    int first = 0;
    for (long unit : units) {
      first += seen.firstSighting(unit) ? 1 : 0;
    }
    int again = 0;
    for (long unit : units) {
      again += seen.firstSighting(unit) ? 1 : 0;
    }

    assertThat(again).as("no unit counted twice within a generation").isZero();
    assertThat(first).as("new units taken for seen ones: under 1 %").isGreaterThan(8_910);
  }

  @Test
  @DisplayName("memory is bounded: after a generation the filter starts over and counts units anew")
  void startsOverAfterAGeneration() {
    SeenUnits seen = new SeenUnits(1_000);
    long returning = 42;
    assertThat(seen.firstSighting(returning)).isTrue();
    assertThat(seen.firstSighting(returning)).isFalse();
    SplittableRandom random = new SplittableRandom(11);
    // Enough new units to fill a generation even after the few the filter misses.
    for (int i = 0; i < 1_050; i++) {
      seen.firstSighting(random.nextLong());
    }

    assertThat(seen.firstSighting(returning))
        .as("a unit seen before the replacement counts once more")
        .isTrue();
    assertThat(seen.firstSighting(returning)).isFalse();
  }

  @Test
  @DisplayName("the arms' shares of first sightings stay the split across replacements")
  void armSharesSurviveReplacement() {
    SeenUnits seen = new SeenUnits(500);
    SplittableRandom random = new SplittableRandom(3);
    long[] population = random.longs(5_000).toArray();
    long canary = 0;
    long total = 0;
    for (int request = 0; request < 100_000; request++) {
      long unit =
          population[(int) Math.min(population.length - 1, -1_000 * Math.log(random.nextDouble()))];
      if (seen.firstSighting(unit)) {
        total++;
        // The canary serves the units whose assignment hash (not the unit hash) falls in 10 %.
        canary += Long.hashCode(unit * 0x9E3779B97F4A7C15L) % 10 == 0 ? 1 : 0;
      }
    }
    assertThat(total).as("units counted again after replacements").isGreaterThan(5_000);
    assertThat((double) canary / total).isBetween(0.07, 0.13);
  }
}
