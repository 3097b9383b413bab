package dev.llmrollout.router.cli;

import static dev.llmrollout.router.cli.FleetFixture.ENV;
import static dev.llmrollout.router.cli.FleetFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.guard.prometheus.PrometheusProcess;
import dev.llmrollout.router.testing.ModelEndpointServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's figure: the time from a canary's first refused answer to its verified rollback, for a
 * fleet (three {@code serve} gateways, a real Prometheus scraping them every second, the {@code
 * guard} controller checking every 0.5 s) against the in-process guard of one {@code serve} gateway
 * (checking every 0.5 s) on the same traffic: 100 requests a second, each a new session, sent one
 * at a time; the rollout at 50 % (plan 50, 100); the canary refusing every answer once it served
 * {@value #BANKED} healthy ones in the step. Runs alternate between the two, so a machine busy for
 * a while slows both. Prints every time and the medians; asserts that every rollback was the
 * guard's and verified, never how fast.
 *
 * <p>A benchmark (about 80 s for one run of each, mostly starting five JVMs and Prometheus), so it
 * runs only when asked: {@code -Dfleet.latency.runs=N} runs N of each (docs/rollout-guard.md).
 */
class RollbackLatencyIT {
  private static final int RUNS = Integer.getInteger("fleet.latency.runs", 0);
  private static final int BANKED = 200;
  private static final int GATEWAYS = 3;
  private static final Duration PACE = Duration.ofMillis(10);
  private static final String CHECK_INTERVAL = "PT0.5S";

  @TempDir Path dir;
  @RegisterExtension final StartedResources running = new StartedResources();

  @Test
  @DisplayName("issue 15: first regressed request to verified rollback, fleet against in-process")
  void fleetAgainstInProcessRollbackTime() throws Exception {
    Assumptions.assumeTrue(
        RUNS > 0, "a benchmark: run it with -Dit.test=RollbackLatencyIT -Dfleet.latency.runs=5");
    FleetFixture.assumePrometheusInstalled();
    ModelEndpointServer stable = running.keep(FleetFixture.helpfulStable());
    FleetFixture.RegressingCanary canary = running.keep(new FleetFixture.RegressingCanary());
    String[] flags =
        IntStream.rangeClosed(1, RUNS).mapToObj(i -> "latency-" + i).toArray(String[]::new);
    Path fleetDir = Files.createDirectories(dir.resolve("fleet"));
    Path soloDir = Files.createDirectories(dir.resolve("solo"));
    FleetFixture.writeConfig(fleetDir, stable, canary.server, flags);
    FleetFixture.writeConfig(soloDir, stable, canary.server, flags);

    List<GatewayProcess> fleet = FleetFixture.gateways(fleetDir, GATEWAYS, running);
    PrometheusProcess prometheus = running.keep(FleetFixture.prometheus(fleetDir, fleet));
    GatewayProcess controller =
        running.keep(
            GatewayProcess.controller(
                fleetDir,
                ENV,
                "--flags",
                "flags.json",
                "--prometheus",
                prometheus.uri().toString(),
                "--min-targets",
                String.valueOf(GATEWAYS),
                "--stale-after",
                "PT5S",
                "--guard-check-interval",
                CHECK_INTERVAL));
    GatewayProcess solo =
        running.keep(
            new GatewayProcess(
                soloDir,
                ENV,
                "--flags",
                "flags.json",
                "--endpoints",
                "ep.json",
                "--guard-check-interval",
                CHECK_INTERVAL));
    FleetTraffic traffic = running.keep(new FleetTraffic(List.of(solo), flags[0], PACE));

    double[] fleetSeconds = new double[RUNS];
    double[] soloSeconds = new double[RUNS];
    for (int run = 0; run < RUNS; run++) {
      // Alternate which goes first, so that neither always follows the other's rollback.
      if (run % 2 == 0) {
        fleetSeconds[run] = rollbackSeconds(traffic, canary, controller, fleet, flags[run]);
        soloSeconds[run] = rollbackSeconds(traffic, canary, solo, List.of(solo), flags[run]);
      } else {
        soloSeconds[run] = rollbackSeconds(traffic, canary, solo, List.of(solo), flags[run]);
        fleetSeconds[run] = rollbackSeconds(traffic, canary, controller, fleet, flags[run]);
      }
      System.out.printf(
          Locale.ROOT,
          "RollbackLatencyIT run %d: fleet %.2f s, in-process %.2f s%n",
          run + 1,
          fleetSeconds[run],
          soloSeconds[run]);
    }
    double fleetMedian = median(fleetSeconds);
    double soloMedian = median(soloSeconds);
    System.out.printf(
        Locale.ROOT,
        "RollbackLatencyIT: first regressed request -> verified rollback, median of %d: fleet"
            + " %.2f s (%d gateways, Prometheus scraping every 1 s), in-process %.2f s (one"
            + " gateway); difference %.2f s = %.1f scrape intervals (checks every 0.5 s, 100"
            + " requests/s, %d healthy canary answers first)%n",
        RUNS,
        fleetMedian,
        GATEWAYS,
        soloMedian,
        fleetMedian - soloMedian,
        fleetMedian - soloMedian,
        BANKED);
  }

  /**
   * Sends the traffic of {@code flag} to {@code gateways}, starts its rollout on {@code guard} (the
   * controller, or the one gateway running its own guard), lets the canary serve {@value #BANKED}
   * healthy answers, then makes it refuse and times the rollback from the first refusal.
   */
  private static double rollbackSeconds(
      FleetTraffic traffic,
      FleetFixture.RegressingCanary canary,
      GatewayProcess guard,
      List<GatewayProcess> gateways,
      String flag)
      throws Exception {
    canary.heal();
    traffic.route(gateways, flag);
    // A start while a target missed a scrape is refused (503) and writes nothing: start again.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> startRollout(guard, flag).statusCode(), code -> code != 503);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                traffic.served("canary") >= BANKED
                    && FleetFixture.rollout(guard, flag)
                        .at("/lastCheck/reason")
                        .asText()
                        .startsWith("waiting:"));
    canary.regress();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> FleetFixture.rollout(guard, flag).path("rollbackVerified").asBoolean());
    double seconds = canary.secondsSinceFirstRefusal();
    JsonNode rolledBack = FleetFixture.rollout(guard, flag);
    assertThat(rolledBack.path("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(rolledBack.at("/lastCheck/reason").asText()).startsWith("rule broken");
    return seconds;
  }

  private static HttpResponse<String> startRollout(GatewayProcess guard, String flag)
      throws Exception {
    HttpResponse<String> started =
        FleetFixture.post(
            guard.uri("/admin/flags/" + flag + "/rollout"),
            TOKEN,
            "{\"canary\": \"canary\", \"force\": \"rollback latency run\", \"plan\": {\"steps\":"
                + " [50, 100], \"minBake\": \"PT10M\", \"minSamplesPerArm\": 50}}");
    assertThat(started.statusCode()).as(started.body()).isIn(201, 503);
    if (started.statusCode() == 503) {
      System.out.println("RollbackLatencyIT: start refused, tried again: " + started.body());
    }
    return started;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
