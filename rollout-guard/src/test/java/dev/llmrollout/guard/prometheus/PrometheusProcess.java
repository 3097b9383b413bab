package dev.llmrollout.guard.prometheus;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus (the {@code prometheus} binary on PATH, Debian's 2.42 in CI) on 127.0.0.1, a
 * free port, storage in a temporary directory, scraping the given targets every second. Stopped and
 * started again on the same port and storage to simulate an outage. With a {@link BasicAuthUser},
 * its web server (API, UI, readiness) asks for that user's password ({@code --web.config.file}).
 */
public final class PrometheusProcess implements AutoCloseable {
  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

  private final Path dir;
  private final int port;
  private final Optional<BasicAuthUser> user;
  private Process process;

  /**
   * The one user of a Prometheus with basic auth: Prometheus stores the bcrypt hash, the test sends
   * the password.
   */
  public record BasicAuthUser(String name, String bcryptHash, String password) {
    /** The {@code Authorization} header value the test's own requests send. */
    public String header() {
      return "Basic "
          + Base64.getEncoder()
              .encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Without the password: a test's output shows no secret, even a test's own. */
    @Override
    public String toString() {
      return "BasicAuthUser[" + name + "]";
    }
  }

  /**
   * The tests' user: its password, and the password's bcrypt hash, made once with {@code htpasswd
   * -nbBC 4 fleet-controller prometheus-password-for-tests} (cost 4, the least bcrypt allows, so
   * that Prometheus checks each query quickly).
   */
  public static final BasicAuthUser TEST_USER =
      new BasicAuthUser(
          "fleet-controller",
          "$2y$04$FaPMEu151Nfy.yL58awZAu9uC1X5OA6NUv0VOpUlCj1dLwLNCxNyy",
          "prometheus-password-for-tests");

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
    this(dir, job, targets, false, Optional.empty(), ONE_SECOND);
  }

  /** Scraping only itself as {@code job}: complete data, without any routing process. */
  public static PrometheusProcess scrapingItself(Path dir, String job) throws Exception {
    return new PrometheusProcess(dir, job, List.of(), true, Optional.empty(), ONE_SECOND);
  }

  /** Scraping {@code targets}, its web server asking for {@code user}'s password. */
  public static PrometheusProcess withBasicAuth(
      Path dir, String job, List<String> targets, BasicAuthUser user) throws Exception {
    return withBasicAuth(dir, job, targets, user, ONE_SECOND);
  }

  /**
   * The same, scraping every {@code scrapeInterval} (each scrape may take 90 % of it): for targets
   * whose exposition is too large to serve within a second on a loaded machine.
   */
  public static PrometheusProcess withBasicAuth(
      Path dir, String job, List<String> targets, BasicAuthUser user, Duration scrapeInterval)
      throws Exception {
    return new PrometheusProcess(dir, job, targets, false, Optional.of(user), scrapeInterval);
  }

  private PrometheusProcess(
      Path dir,
      String job,
      List<String> targets,
      boolean self,
      Optional<BasicAuthUser> user,
      Duration scrapeInterval)
      throws Exception {
    this.dir = dir;
    this.port = freePort();
    this.user = user;
    List<String> all = new ArrayList<>(targets);
    if (self) {
      all.add("127.0.0.1:" + port);
    }
    String config =
        """
        global:
          scrape_interval: %2$dms
          evaluation_interval: 1s
        scrape_configs:
          - job_name: %1$s
            scrape_interval: %2$dms
            scrape_timeout: %3$dms
            static_configs:
              - targets: [%4$s]
        """
            .formatted(
                job,
                scrapeInterval.toMillis(),
                scrapeInterval.toMillis() * 9 / 10,
                all.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", ")));
    Files.writeString(dir.resolve("prometheus.yml"), config);
    if (user.isPresent()) {
      Files.writeString(
          dir.resolve("web.yml"),
          "basic_auth_users:\n  %s: %s\n".formatted(user.get().name(), user.get().bcryptHash()));
    }
    start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * A signal source reading this Prometheus without auth, expecting {@code targets} targets of
   * {@code job}, with short staleness and timeouts for tests.
   */
  public PrometheusSignalSource signalSource(String job, int targets) {
    return new PrometheusSignalSource(
        new PrometheusSignalSource.Settings(
            uri(),
            job,
            targets,
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofSeconds(5),
            PrometheusAuth.none()),
        HttpClient.newHttpClient(),
        Clock.systemUTC());
  }

  public void start() throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "prometheus",
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.retention.time=1h"));
    if (user.isPresent()) {
      command.add("--web.config.file=" + dir.resolve("web.yml"));
    }
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        HttpRequest.Builder probe =
            HttpRequest.newBuilder(uri().resolve("/-/ready")).timeout(Duration.ofSeconds(1));
        user.ifPresent(u -> probe.header("Authorization", u.header()));
        HttpResponse<String> ready = http.send(probe.build(), HttpResponse.BodyHandlers.ofString());
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
