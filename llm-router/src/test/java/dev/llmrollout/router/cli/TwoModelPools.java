package dev.llmrollout.router.cli;

import dev.llmrollout.router.testing.ModelEndpointServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two loopback models the jar tests route to, {@code stable} and {@code canary}, and the
 * endpoints file that names them {@code stable-pool} and {@code canary-pool}.
 */
final class TwoModelPools implements AutoCloseable {
  final ModelEndpointServer stable = ModelEndpointServer.start("stable");
  final ModelEndpointServer canary = ModelEndpointServer.start("canary");

  /** Writes {@code dir/endpoints.json}; both pools read their key from {@code keyVariable}. */
  void writeEndpoints(Path dir, String keyVariable, int timeoutMs) throws IOException {
    Files.writeString(
        dir.resolve("endpoints.json"),
        """
        {"endpoints": {
          "stable-pool": {"baseUrl": "%s", "apiKeyEnv": "%s", "timeoutMs": %d},
          "canary-pool": {"baseUrl": "%s", "apiKeyEnv": "%s", "timeoutMs": %d}}}
        """
            .formatted(
                stable.baseUrl(),
                keyVariable,
                timeoutMs,
                canary.baseUrl(),
                keyVariable,
                timeoutMs));
  }

  @Override
  public void close() {
    stable.close();
    canary.close();
  }
}
