package dev.llmrollout.local;

import dev.llmrollout.contract.BackendContract;
import dev.llmrollout.contract.BackendHarness;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The local-file backend passes the contract every backend passes. */
class LocalBackendContractTest extends BackendContract {
  @TempDir Path dir;

  @Override
  protected BackendHarness createHarness() throws Exception {
    return new LocalFileHarness(dir);
  }
}
