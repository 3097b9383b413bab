package dev.llmrollout.unleash;

import dev.llmrollout.contract.BackendHarness;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.unleash.testing.UnleashServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The contract kit's view of Unleash: the real server, flags changed through its Admin API, and
 * backends running the real Unleash client polling every second. All backends of one harness share
 * one backup file, like restarts of one service.
 */
final class UnleashHarness implements BackendHarness {
  private final UnleashServerProcess server;
  private final UnleashFlags flags;
  private final Path backupDir;

  UnleashHarness(UnleashServerProcess server) throws Exception {
    this.server = server;
    this.flags = new UnleashFlags(server);
    this.backupDir = Files.createTempDirectory("unleash-backup");
  }

  UnleashFlags flags() {
    return flags;
  }

  UnleashSettings settings() {
    return UnleashSettings.builder(server.apiUrl())
        .clientToken(server.clientToken())
        .adminToken(server.adminToken())
        .appName("contract-test")
        .fetchInterval(Duration.ofSeconds(1))
        .backupFile(backupDir.resolve("unleash-backup.json"))
        .sendMetrics(false)
        .build();
  }

  @Override
  public void publish(FlagSpec flag) {
    flags.publish(flag);
  }

  @Override
  public void publishMalformed(String flagKey) {
    flags.publishMalformed(flagKey);
  }

  @Override
  public FlagBackend newBackend() {
    return new UnleashBackend(settings());
  }

  @Override
  public RolloutControl rolloutControl() {
    return new UnleashRolloutControl(settings(), null);
  }

  @Override
  public Duration propagationTimeout() {
    return Duration.ofSeconds(10);
  }

  @Override
  public void close() throws Exception {
    // Flags stay: each publish replaces a flag's strategy (see UnleashFlags).
    try (var files = Files.list(backupDir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
    }
    Files.deleteIfExists(backupDir);
  }
}
