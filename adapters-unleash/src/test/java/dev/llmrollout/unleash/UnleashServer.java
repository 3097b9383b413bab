package dev.llmrollout.unleash;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Unleash server on a real PostgreSQL, both on 127.0.0.1 and on free ports, started once per
 * test JVM by {@code .ci/unleash-server.sh} (which installs what is missing) and stopped when the
 * JVM exits. Each start uses a fresh database and fresh random tokens.
 */
final class UnleashServer {
  private static UnleashServer shared;

  private final Path script;
  private final Map<String, String> environment;
  private final URI apiUrl;
  private final String adminToken;
  private final String clientToken;

  private UnleashServer(Path script, int httpPort, int pgPort, Path stateDir) {
    this.script = script;
    this.adminToken = "*:*." + secret();
    this.clientToken = "*:development." + secret();
    this.apiUrl = URI.create("http://127.0.0.1:" + httpPort + "/api");
    this.environment =
        Map.of(
            "UNLEASH_STATE_DIR", stateDir.toString(),
            "UNLEASH_HTTP_PORT", Integer.toString(httpPort),
            "UNLEASH_PG_PORT", Integer.toString(pgPort),
            "UNLEASH_TEST_ADMIN_TOKEN", adminToken,
            "UNLEASH_TEST_CLIENT_TOKEN", clientToken);
  }

  /** The server for this JVM, started on first use. */
  static synchronized UnleashServer shared() throws Exception {
    if (shared == null) {
      Path module = Path.of("").toAbsolutePath();
      Path script = module.resolveSibling(".ci").resolve("unleash-server.sh");
      if (!Files.isExecutable(script)) {
        script = module.resolve(".ci").resolve("unleash-server.sh");
      }
      UnleashServer server =
          new UnleashServer(
              script, freePort(), freePort(), module.resolve("target").resolve("unleash-server"));
      server.run("start", 300);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.run("stop", 60);
                    } catch (Exception e) {
                      System.err.println("could not stop the test Unleash server: " + e);
                    }
                  }));
      shared = server;
    }
    return shared;
  }

  URI apiUrl() {
    return apiUrl;
  }

  String adminToken() {
    return adminToken;
  }

  String clientToken() {
    return clientToken;
  }

  /** Stops Unleash (not PostgreSQL): an outage. */
  void stopApp() throws Exception {
    run("stop-app", 60);
  }

  /** Starts Unleash again on the same database. */
  void startApp() throws Exception {
    run("start-app", 180);
  }

  private void run(String command, int timeoutSeconds) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(List.of("bash", script.toString(), command));
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true);
    Path log = Files.createTempFile("unleash-server-" + command, ".log");
    builder.redirectOutput(log.toFile());
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(script + " " + command + " timed out; see " + log);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          script
              + " "
              + command
              + " failed ("
              + process.exitValue()
              + "); it needs PostgreSQL (apt-get install -y postgresql) and Node.js 20+ with npm:\n"
              + Files.readString(log)
                  .replace(adminToken, "<admin>")
                  .replace(clientToken, "<client>"));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String secret() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
