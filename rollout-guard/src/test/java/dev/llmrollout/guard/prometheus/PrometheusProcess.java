package dev.llmrollout.guard.prometheus;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus (the {@code prometheus} binary on PATH, Debian's 2.42 in CI) on 127.0.0.1, a
 * free port, storage in a temporary directory, scraping the given targets every second. Stopped and
 * started again on the same port and storage to simulate an outage.
 */
public final class PrometheusProcess implements AutoCloseable {
  private final Path dir;
  private final int port;
  private Process process;

  /** Whether the binary is installed ({@code .ci/prometheus.sh install}). */
  public static boolean installed() {
    try {
      return new ProcessBuilder("prometheus", "--version").start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public PrometheusProcess(Path dir, String job, List<String> targets) throws Exception {
    this.dir = dir;
    this.port = freePort();
    String config =
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: %s
            scrape_interval: 1s
            scrape_timeout: 900ms
            static_configs:
              - targets: [%s]
        """
            .formatted(
                job, targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", ")));
    Files.writeString(dir.resolve("prometheus.yml"), config);
    start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public void start() throws Exception {
    process =
        new ProcessBuilder(
                "prometheus",
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.retention.time=1h")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> ready =
            http.send(
                HttpRequest.newBuilder(uri().resolve("/-/ready"))
                    .timeout(Duration.ofSeconds(1))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "prometheus did not become ready; log: " + Files.readString(dir.resolve("prometheus.log")));
  }

  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
