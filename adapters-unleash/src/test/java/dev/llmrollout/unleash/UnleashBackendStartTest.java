package dev.llmrollout.unleash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.spi.BackendException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 6, point 3: without Unleash and without a backup file, start says what is missing. */
class UnleashBackendStartTest {

  @Test
  void noServerAndNoBackupFailsNamingTheUrlAndTheBackupPathButNotTheToken() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Path backup = Files.createTempDirectory("no-backup").resolve("missing.json");
    UnleashSettings settings =
        UnleashSettings.builder(URI.create("http://127.0.0.1:" + closedPort + "/api"))
            .clientToken("*:development.very-secret")
            .fetchInterval(Duration.ofSeconds(1))
            .backupFile(backup)
            .sendMetrics(false)
            .build();

    try (UnleashBackend backend = new UnleashBackend(settings)) {
      assertThatThrownBy(() -> backend.start(new RecordingListener(), Duration.ofSeconds(2)))
          .isInstanceOfSatisfying(
              BackendException.class,
              e ->
                  assertThat(e.getMessage())
                      .contains("127.0.0.1:" + closedPort, backup.toString(), "cannot reach")
                      .doesNotContain("very-secret"));
      assertThat(backend.flagKeys()).isEmpty();
    }
  }
}
