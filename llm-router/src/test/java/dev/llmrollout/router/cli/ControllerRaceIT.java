package dev.llmrollout.router.cli;

import static dev.llmrollout.router.cli.FleetFixture.ENV;
import static dev.llmrollout.router.cli.FleetFixture.JSON;
import static dev.llmrollout.router.cli.FleetFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.guard.prometheus.PrometheusProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, points 5 and 8: two rollout controllers ({@code llm-router guard}), each in its own
 * process, on one flags file, race for the leases of the same rollouts while {@link
 * ControllerPauses} freezes one of them now and then (SIGSTOP), shorter or longer than the lease,
 * as a GC pause or a stalled VM would. A frozen owner's lease lapses, the other takes the rollout
 * over, and the frozen one, let go on, finds another owner's record before or at its next write
 * (the fence). Each trial is one rollout of its own flag (steps 20, 50, 100 % with 1 s bakes and
 * bake-only evidence, so that steps come often; the last step's 5 % holdback released after its
 * bake), several in flight at once. A double step is a canary share written twice for one flag,
 * counted from the flags file's change log ({@code flags.json.audit.jsonl}); take-overs from the
 * controllers' rollout audit files. Prometheus scrapes itself: the signals are complete and empty,
 * which is all a bake-only step needs.
 *
 * <p>{@code -Dfleet.race.trials=N} changes the number of trials: 10 by default (about 30 s in the
 * build), 50 for the figure (about 75 s; docs/rollout-guard.md).
 */
class ControllerRaceIT {
  private static final int TRIALS = Integer.getInteger("fleet.race.trials", 10);
  private static final int IN_FLIGHT = 8;
  private static final Duration CHECK = Duration.ofMillis(500);
  private static final Duration LEASE = Duration.ofMillis(1500);
  private static final Map<String, String> PLAN =
      Map.of(
          "rollout.steps", "20,50,100",
          "rollout.minBake", "PT1S",
          "rollout.minSamplesPerArm", "0",
          "rollout.evidence", "bake_only",
          "rollout.widenFirstStep", "none");

  @TempDir Path dir;
  @RegisterExtension final StartedResources running = new StartedResources();

  @Test
  @DisplayName("issue 15.5/15.8: two controller processes racing for leases never both step")
  void twoControllerProcessesNeverBothStep() throws Exception {
    FleetFixture.assumePrometheusInstalled();
    List<String> flags =
        IntStream.range(0, TRIALS).mapToObj(i -> String.format("race-%02d", i)).toList();
    FleetFixture.writeFlags(dir, PLAN, flags.toArray(String[]::new));
    PrometheusProcess prometheus =
        running.keep(
            PrometheusProcess.scrapingItself(
                Files.createDirectories(dir.resolve("prometheus")), "prometheus"));
    List<GatewayProcess> controllers = new ArrayList<>();
    for (String id : List.of("race-a", "race-b")) {
      controllers.add(
          running.keep(GatewayProcess.controller(dir, ENV, controllerArgs(prometheus, id))));
    }
    for (GatewayProcess controller : controllers) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  FleetFixture.json(controller.uri("/healthz"))
                      .at("/prometheus/complete")
                      .asBoolean());
    }
    ControllerPauses pauses =
        running.keep(new ControllerPauses(controllers, LEASE, new Random(15)));

    runTrials(flags, controllers, new Random(8));
    pauses.close();
    // A controller let go on a moment ago acts at its next check at the latest: give it three.
    Thread.sleep(CHECK.multipliedBy(3).toMillis());

    Map<String, List<Double>> written = canarySharesWritten();
    int doubleSteps = 0;
    for (List<Double> shares : written.values()) {
      doubleSteps += shares.size() - new HashSet<>(shares).size();
    }
    long takeovers = auditLines("took the rollout over from");
    long lost =
        controllers.stream()
            .flatMap(c -> c.output().lines())
            .filter(l -> l.contains("event=guard.lease") && l.contains("change=LOST"))
            .count();
    System.out.printf(
        "ControllerRaceIT: double steps with two controller processes: %d in %d trials"
            + " (%d take-overs, %d leases lost and fenced, %d pauses of which %d past the lease;"
            + " %.1f s checks, %.1f s lease)%n",
        doubleSteps,
        TRIALS,
        takeovers,
        lost,
        pauses.count(),
        pauses.pastTheLease(),
        CHECK.toMillis() / 1e3,
        LEASE.toMillis() / 1e3);
    assertThat(doubleSteps).as("canary shares written twice: %s", written).isZero();
    assertThat(takeovers).as("the race took leases over, else it tested nothing").isPositive();
    for (String flag : flags) {
      assertThat(recordOf(flag).path("state").asText()).as(flag).isEqualTo("PROMOTED");
      assertThat(written.get(flag))
          .as(flag + ": every step written once, then the 5 % holdback released")
          .containsExactly(20.0, 50.0, 95.0, 100.0);
    }
  }

  private String[] controllerArgs(PrometheusProcess prometheus, String id) {
    return new String[] {
      "--flags",
      "flags.json",
      "--prometheus",
      prometheus.uri().toString(),
      "--prometheus-job",
      "prometheus",
      "--stale-after",
      "PT5S",
      "--guard-check-interval",
      CHECK.toString(),
      "--lease-ttl",
      LEASE.toString(),
      "--rollout-audit",
      id + "-audit.jsonl",
      "--guard-id",
      id
    };
  }

  /**
   * Starts the trials' rollouts, {@value #IN_FLIGHT} in flight at a time, each through a controller
   * picked at random (a frozen one answers once it goes on), until every one has finished.
   */
  private void runTrials(List<String> flags, List<GatewayProcess> controllers, Random random)
      throws Exception {
    List<String> waiting = new ArrayList<>(flags);
    Set<String> inFlight = new HashSet<>();
    await()
        .atMost(Duration.ofSeconds(30L * TRIALS / IN_FLIGHT + 60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              for (String flag : List.copyOf(inFlight)) {
                if (isFinal(recordOf(flag))) {
                  inFlight.remove(flag);
                }
              }
              while (inFlight.size() < IN_FLIGHT && !waiting.isEmpty()) {
                String flag = waiting.remove(0);
                start(controllers.get(random.nextInt(controllers.size())), flag);
                inFlight.add(flag);
              }
              return inFlight.isEmpty();
            });
  }

  private static void start(GatewayProcess controller, String flag) throws Exception {
    HttpResponse<String> started =
        FleetFixture.post(
            controller.uri("/admin/flags/" + flag + "/rollout"),
            TOKEN,
            "{\"canary\": \"canary\", \"force\": \"controller race trial\"}");
    assertThat(started.statusCode()).as(flag + ": " + started.body()).isEqualTo(201);
  }

  private static boolean isFinal(JsonNode record) {
    return Set.of("PROMOTED", "ROLLED_BACK", "HALTED").contains(record.path("state").asText());
  }

  /** The rollout record stored next to {@code flag} (missing until its first write). */
  private JsonNode recordOf(String flag) throws Exception {
    JsonNode text =
        JSON.readTree(dir.resolve("flags.json").toFile())
            .path("flags")
            .path(flag)
            .at("/metadata/llmrollout.rolloutRecord");
    return text.isMissingNode() ? text : JSON.readTree(text.asText());
  }

  /** Per flag, the canary shares its weight writes left, in order, from the change log. */
  private Map<String, List<Double>> canarySharesWritten() throws Exception {
    Map<String, List<Double>> written = new HashMap<>();
    for (String line : Files.readAllLines(dir.resolve("flags.json.audit.jsonl"))) {
      JsonNode change = JSON.readTree(line);
      if (change.path("action").asText().equals("set-weights")) {
        written
            .computeIfAbsent(change.path("flag").asText(), k -> new ArrayList<>())
            .add(change.at("/after/weights/canary").asDouble());
      }
    }
    return written;
  }

  private long auditLines(String containing) throws Exception {
    long count = 0;
    for (String id : List.of("race-a", "race-b")) {
      Path audit = dir.resolve(id + "-audit.jsonl");
      if (Files.exists(audit)) {
        count += Files.readAllLines(audit).stream().filter(l -> l.contains(containing)).count();
      }
    }
    return count;
  }
}
