package dev.llmrollout.launchdarkly;

import dev.llmrollout.contract.FlagSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the write-back tests start from: a local LaunchDarkly holding {@link #FLAG} as a 95/5 split
 * of {@code stable} and {@code canary}, and a write-back to it, fresh for each test.
 */
abstract class PublishedFlagFixture {
  static final String FLAG = "support-model";

  LocalLaunchDarklyHarness harness;
  LaunchDarklyRolloutControl control;

  @BeforeEach
  void publishFlag() throws Exception {
    harness = new LocalLaunchDarklyHarness();
    harness.publish(FlagSpec.canarySplit(FLAG, 5));
    control = harness.rolloutControl();
  }

  @AfterEach
  void closeHarness() throws Exception {
    harness.close();
  }
}
