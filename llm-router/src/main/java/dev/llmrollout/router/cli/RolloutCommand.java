package dev.llmrollout.router.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code llm-router rollout start|status|abort}: guarded rollouts on a running gateway, through its
 * admin API. Exit codes: 0 done, 1 refused or failed (with the gateway's message), 2 bad usage (a
 * request the gateway answers 400, 401, 403 or 404).
 */
@Command(
    name = "rollout",
    description =
        "Start, watch and abort guarded canary rollouts on a running gateway (llm-router serve)"
            + " or controller (llm-router guard).",
    mixinStandardHelpOptions = true,
    subcommands = {
      RolloutCommand.Start.class,
      RolloutCommand.Status.class,
      RolloutCommand.Abort.class
    })
final class RolloutCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** What the three verbs share: the gateway, the flag and how to print its answer. */
  abstract static class GatewayVerb implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FLAG", description = "The flag rolled out.")
    String flag;

    @Option(
        names = "--gateway",
        required = true,
        paramLabel = "URL",
        description =
            "The base URL of the gateway (llm-router serve) or controller (llm-router guard)"
                + " running the guard, such as http://127.0.0.1:8080.")
    String gateway;

    @Option(names = "--json", description = "Print the gateway's JSON answer as it is.")
    boolean json;

    /** 400, 401, 403 and 404 are the caller's to fix (2); a 409 refusal or a 5xx failed (1). */
    private static int exitCode(int status) {
      return status == 400 || status == 401 || status == 403 || status == 404
          ? ExitCodes.USAGE
          : ExitCodes.FAILED;
    }

    GatewayAdminClient client() {
      return new GatewayAdminClient(
          gateway, Optional.ofNullable(System.getenv(GatewayAdminClient.TOKEN_VARIABLE)));
    }

    /** Prints the rollout on success; the gateway's refusal on stderr otherwise. */
    int report(GatewayAdminClient client, GatewayAdminClient.Answer answer) throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      if (!answer.ok()) {
        String hint =
            (answer.status() == 401 || answer.status() == 403) && !client.hasToken()
                ? " (" + GatewayAdminClient.TOKEN_VARIABLE + " is not set in this environment)"
                : "";
        int code = exitCode(answer.status());
        String message = "refused (HTTP " + answer.status() + "): " + answer.message() + hint;
        if (json) {
          ObjectNode error = GatewayAdminClient.json().createObjectNode();
          error.put("ok", false).put("exitCode", code).put("error", message);
          error.put("httpStatus", answer.status());
          out.println(error.toPrettyString());
        } else {
          spec.commandLine().getErr().println(message);
        }
        return code;
      }
      if (json) {
        out.println(
            GatewayAdminClient.json()
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(answer.body()));
      } else {
        RolloutPrinter.print(out, answer.body());
      }
      return ExitCodes.OK;
    }
  }

  /** Starts a guarded rollout. */
  @Command(
      name = "start",
      description =
          "Start a guarded canary of FLAG: the gateway promotes it step by step and rolls it back"
              + " by itself when a rule breaks. Needs LLM_ROUTER_ADMIN_TOKEN.",
      mixinStandardHelpOptions = true)
  static final class Start extends GatewayVerb {
    @Option(
        names = "--canary",
        required = true,
        paramLabel = "VARIANT",
        description = "The candidate variant.")
    String canary;

    @Option(
        names = "--stable",
        paramLabel = "VARIANT",
        description = "The variant to fall back to (default: the flag's default variant).")
    String stable;

    @Option(names = "--stable-version", paramLabel = "SEMVER", description = "Stable's version.")
    String stableVersion;

    @Option(names = "--canary-version", paramLabel = "SEMVER", description = "Canary's version.")
    String canaryVersion;

    @Option(
        names = "--eval-report",
        paramLabel = "FILE",
        description = "The report of llm-router eval for the canary's current payload.")
    Path evalReport;

    @Option(
        names = "--plan-steps",
        split = ",",
        paramLabel = "PERCENT",
        description = "The canary's shares, ascending to 100 (such as 5,25,50,100).")
    List<Double> planSteps;

    @Option(
        names = "--min-bake",
        paramLabel = "DURATION",
        description = "The least time at each step (such as 30m, 1h or ISO-8601 PT30M).")
    Duration minBake;

    @Option(
        names = "--min-samples",
        paramLabel = "N",
        description = "Requests each arm needs during a step before it is promoted.")
    Long minSamples;

    @Option(
        names = "--rule",
        paramLabel = "RULE",
        description =
            "A rule the canary is held to, repeatable, written as its call and optionally"
                + " .tolerating(points): successRateDrop(0.05), errorRateIncrease(0.01),"
                + " refusalRateIncrease(0.02), feedbackRateIncrease(thumbs_down, 0.02),"
                + " latencyTailIncrease(0.99, 0.02), judgeScoreDrop(0.05) (the live judge's"
                + " mean score; needs a gateway with live judging) (default: success rate, error"
                + " rate, refusal rate and p99 tail).")
    List<String> rules;

    @Option(
        names = "--shadow-rule",
        paramLabel = "RULE",
        description =
            "A rule the shadow gate holds a major version to, repeatable, written as its call:"
                + " judgeWinRateAtLeast(0.45), judgeScoreDropAtMost(0.1),"
                + " refusalDiscordanceAtMost(0.01), errorDiscordanceAtMost(0.01),"
                + " invalidJsonDiscordanceAtMost(0.01), latencyTailRatioAtMost(0.99, 1.5),"
                + " tokenRatioAtMost(1.5), costRatioAtMost(2), firstTokenRatioAtMost(1.5)"
                + " (default: refusal and error discordance at most 0.01, p99 and tokens within"
                + " 1.5 x, and the judge's win rate at least 0.45 on a gateway that judges shadow"
                + " pairs).")
    List<String> shadowRules;

    @Option(
        names = "--force",
        paramLabel = "REASON",
        description =
            "Start anyway: without a passing eval report, and over a split already in place (a"
                + " running rollout must be aborted first); the reason goes into the audit.")
    String force;

    @Override
    public Integer call() throws Exception {
      GatewayAdminClient client = client();
      ObjectNode body = GatewayAdminClient.json().createObjectNode();
      body.put("canary", canary);
      putIfSet(body, "stable", stable);
      putIfSet(body, "stableVersion", stableVersion);
      putIfSet(body, "canaryVersion", canaryVersion);
      putIfSet(body, "force", force);
      ObjectNode plan = GatewayAdminClient.json().createObjectNode();
      if (planSteps != null) {
        planSteps.forEach(plan.putArray("steps")::add);
      }
      if (minBake != null) {
        plan.put("minBake", minBake.toString());
      }
      if (minSamples != null) {
        plan.put("minSamplesPerArm", minSamples);
      }
      if (!plan.isEmpty()) {
        body.set("plan", plan);
      }
      if (evalReport != null) {
        body.set("evalReport", readReport(evalReport));
      }
      if (rules != null) {
        rules.forEach(body.putArray("rules")::add);
      }
      if (shadowRules != null) {
        shadowRules.forEach(body.putArray("shadowRules")::add);
      }
      return report(client, client.post(flag, "/rollout", body));
    }

    private static void putIfSet(ObjectNode body, String field, String value) {
      if (value != null) {
        body.put(field, value);
      }
    }

    private static JsonNode readReport(Path file) {
      try {
        JsonNode report = GatewayAdminClient.json().readTree(Files.readString(file));
        if (report == null || !report.isObject()) {
          throw new IllegalArgumentException(
              "--eval-report " + file + ": expected the JSON object llm-router eval writes");
        }
        return report;
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--eval-report " + file + ": expected a readable JSON report (" + e.getMessage() + ")");
      }
    }
  }

  /** Shows a rollout's state. */
  @Command(
      name = "status",
      description = "Show the state, step, weights, last decisions and transitions of a rollout.",
      mixinStandardHelpOptions = true)
  static final class Status extends GatewayVerb {
    @Override
    public Integer call() throws Exception {
      GatewayAdminClient client = client();
      return report(client, client.get(flag, "/rollout"));
    }
  }

  /** Rolls a rollout back by hand. */
  @Command(
      name = "abort",
      description =
          "Roll FLAG's running rollout back to stable now, verified and audited like an automatic"
              + " rollback. Needs LLM_ROUTER_ADMIN_TOKEN.",
      mixinStandardHelpOptions = true)
  static final class Abort extends GatewayVerb {
    private static final Duration POLL = Duration.ofMillis(200);

    @Option(names = "--reason", required = true, description = "Why (recorded in the audit).")
    String reason;

    @Option(
        names = "--verify-timeout",
        defaultValue = "PT30S",
        description =
            "How long to wait for the gateway to read the rollback back from the flags' source"
                + " (30s, 5m or ISO-8601; default 30s). Not verified by then exits 1.")
    Duration verifyTimeout;

    @Override
    public Integer call() throws Exception {
      GatewayAdminClient client = client();
      ObjectNode body = GatewayAdminClient.json().createObjectNode().put("reason", reason);
      GatewayAdminClient.Answer answer = client.post(flag, "/rollout/abort", body);
      if (answer.ok()) {
        answer = untilVerified(client, answer);
      }
      int code = report(client, answer);
      if (code == ExitCodes.OK && !answer.body().path("rollbackVerified").asBoolean()) {
        spec.commandLine()
            .getErr()
            .printf(
                "rolled back, but the gateway did not read the kill back within %s; it serves"
                    + " stable through its in-process override meanwhile. Check with: llm-router"
                    + " rollout status %s --gateway %s%n",
                verifyTimeout, flag, gateway);
        return ExitCodes.FAILED;
      }
      return code;
    }

    /**
     * The gateway answers the abort once the kill is written; reading it back from a backend that
     * reloads or polls takes a moment longer, so wait for it rather than report it unverified.
     */
    private GatewayAdminClient.Answer untilVerified(
        GatewayAdminClient client, GatewayAdminClient.Answer answer) throws Exception {
      Instant deadline = Instant.now().plus(verifyTimeout);
      while (answer.ok()
          && !answer.body().path("rollbackVerified").asBoolean()
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(POLL.toMillis());
        answer = client.get(flag, "/rollout");
      }
      return answer;
    }
  }
}
