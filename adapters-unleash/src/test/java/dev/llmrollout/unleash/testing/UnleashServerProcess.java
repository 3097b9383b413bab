package dev.llmrollout.unleash.testing;

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
 * A real Unleash server on a real PostgreSQL, both on 127.0.0.1 and on free ports, run by the
 * project's {@code .ci/unleash-server.sh} (which installs what is missing); the adapters-unleash
 * tests and the benchmarks both run it. Each start gets a fresh database and fresh random tokens,
 * which reach the script only through its environment and never appear in output.
 */
public final class UnleashServerProcess implements AutoCloseable {
  private final Path script;
  private final Map<String, String> environment;
  private final URI apiUrl;
  private final String adminToken;
  private final String clientToken;

  private UnleashServerProcess(Path script, Path stateDir, int httpPort, int pgPort) {
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

  /**
   * Starts PostgreSQL and Unleash with {@code script} and waits until Unleash is healthy.
   *
   * @throws IllegalStateException naming the reason (with the script's output, tokens masked)
   */
  public static UnleashServerProcess start(Path script, Path stateDir) throws Exception {
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException(script + " is missing");
    }
    Files.createDirectories(stateDir);
    UnleashServerProcess server =
        new UnleashServerProcess(script, stateDir, freePort(), freePort());
    try {
      server.run("start", 300);
    } catch (Exception e) {
      server.stopQuietly();
      throw e;
    }
    return server;
  }

  /** The API base, such as {@code http://127.0.0.1:4242/api}. */
  public URI apiUrl() {
    return apiUrl;
  }

  /** An admin API token ({@code *:*.…}). */
  public String adminToken() {
    return adminToken;
  }

  /** A backend (client) token for the development environment. */
  public String clientToken() {
    return clientToken;
  }

  /** Stops Unleash (not PostgreSQL): an outage. */
  public void stopApp() throws Exception {
    run("stop-app", 60);
  }

  /** Starts Unleash again on the same database. */
  public void startApp() throws Exception {
    run("start-app", 180);
  }

  @Override
  public void close() {
    stopQuietly();
  }

  private void stopQuietly() {
    try {
      run("stop", 60);
    } catch (Exception e) {
      System.err.println("could not stop the Unleash server: " + e.getMessage());
    }
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
      throw new IllegalStateException(
          "`unleash-server.sh " + command + "` timed out after " + timeoutSeconds + " s");
    }
    if (process.exitValue() != 0) {
      String output = Files.readString(log).replace(adminToken, "<admin>");
      Files.writeString(log, output.replace(clientToken, "<client>"));
      throw new IllegalStateException(
          "`unleash-server.sh "
              + command
              + "` failed (exit "
              + process.exitValue()
              + "; it needs PostgreSQL and Node.js 20+ with npm; full output in "
              + log
              + "): "
              + lastLine(output.replace(clientToken, "<client>")));
    }
    Files.deleteIfExists(log);
  }

  private static String lastLine(String output) {
    String trimmed = output.strip();
    int newline = trimmed.lastIndexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(newline + 1);
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
