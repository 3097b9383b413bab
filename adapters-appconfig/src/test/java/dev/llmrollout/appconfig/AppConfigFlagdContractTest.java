package dev.llmrollout.appconfig;

import dev.llmrollout.contract.BackendContract;
import dev.llmrollout.contract.BackendHarness;

/**
 * Issue 8, point 4: the backend contract kit against a freeform JSON profile in flagd format on the
 * local AppConfig, through the real AWS SDK clients.
 */
class AppConfigFlagdContractTest extends BackendContract {
  @Override
  protected BackendHarness createHarness() throws Exception {
    return new AppConfigHarness(DocumentFormat.FLAGD);
  }
}
