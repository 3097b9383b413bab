package dev.llmrollout.launchdarkly;

import dev.llmrollout.contract.BackendContract;
import dev.llmrollout.contract.BackendHarness;

/**
 * Issue 7, point 4: the backend contract kit against the real LaunchDarkly SDK streaming from a
 * local LaunchDarkly, with write-back over its REST API.
 */
class LaunchDarklyContractTest extends BackendContract {
  @Override
  protected BackendHarness createHarness() throws Exception {
    return new LocalLaunchDarklyHarness();
  }
}
