package dev.llmrollout.unleash;

import dev.llmrollout.contract.BackendHarness;
import dev.llmrollout.contract.Capabilities;
import dev.llmrollout.contract.Capability;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.unleash.internal.RolloutRecordParameter;
import dev.llmrollout.unleash.testing.UnleashServerProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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
    return settings(server.apiUrl(), server.adminToken());
  }

  /** Settings whose kill turns the flag's environment off instead of serving the safe variant. */
  UnleashSettings settingsKillingTheEnvironment() {
    return UnleashSettings.builder(server.apiUrl())
        .clientToken(server.clientToken())
        .adminToken(server.adminToken())
        .fetchInterval(Duration.ofSeconds(1))
        .killTurnsEnvironmentOff(true)
        .build();
  }

  private UnleashSettings settings(URI apiUrl, String adminToken) {
    return UnleashSettings.builder(apiUrl)
        .clientToken(server.clientToken())
        .adminToken(adminToken)
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
  public Capabilities capabilities() {
    return Capabilities.all()
        .without(
            Capability.ATOMIC_CONDITIONAL_WRITE,
            "Unleash's open-source Admin API has no compare-and-set: the control's strategy PATCH"
                + " opens with tests of the strategy as read, which Unleash checks and then"
                + " updates in two steps of one request, so two writes passing their tests at the"
                + " same instant both land (the overwritten one is reported NOT_VERIFIED); the"
                + " guard's lease is the protection (docs/adapters-unleash.md)");
  }

  @Override
  public RecordLimit rolloutRecordLimit(String flagKey) {
    return new RecordLimit("strategy parameter llmRolloutRecord", RolloutRecordParameter.MAX_CHARS);
  }

  @Override
  public void cutSource() throws Exception {
    server.stopApp();
  }

  @Override
  public void reconnectSource() throws Exception {
    server.startApp();
  }

  /** Unleash's client on a port nobody listens on, with this harness's backup file. */
  @Override
  public FlagBackend unreachableBackend() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      URI nowhere = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/api");
      return new UnleashBackend(settings(nowhere, server.adminToken()));
    }
  }

  @Override
  public RolloutControl controlWithRejectedCredentials() {
    return new UnleashRolloutControl(settings(server.apiUrl(), "*:*.not-a-known-token"), null);
  }

  /** The client (backend) token, which may read flags but not use the Admin API. */
  @Override
  public RolloutControl controlWithoutWriteRights() {
    return new UnleashRolloutControl(settings(server.apiUrl(), server.clientToken()), null);
  }

  @Override
  public String credentialVariable() {
    return "UNLEASH_ADMIN_TOKEN";
  }

  @Override
  public FactoryLaunch factoryLaunch() {
    return new FactoryLaunch(
        "unleash",
        Map.of("url", server.apiUrl().toString()),
        Map.of(
            "UNLEASH_CLIENT_TOKEN", server.clientToken(),
            "UNLEASH_ADMIN_TOKEN", server.adminToken(),
            "UNLEASH_BACKUP_FILE", backupDir.resolve("child-backup.json").toString()));
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
