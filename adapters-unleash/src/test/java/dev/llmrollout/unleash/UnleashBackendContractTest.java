package dev.llmrollout.unleash;

import dev.llmrollout.contract.BackendContract;
import dev.llmrollout.contract.BackendHarness;

/** Issue 6, point 5: the backend contract kit passes against a real Unleash server. */
class UnleashBackendContractTest extends BackendContract {
  @Override
  protected BackendHarness createHarness() throws Exception {
    return new UnleashHarness(UnleashServer.shared());
  }
}
