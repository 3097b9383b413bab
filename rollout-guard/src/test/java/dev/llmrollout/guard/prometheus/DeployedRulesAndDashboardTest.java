package dev.llmrollout.guard.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, points 6 and 7: the shipped Prometheus rules pass {@code promtool check rules} and
 * their unit tests ({@code promtool test rules}); the Grafana dashboard is structurally valid and
 * every query in it parses as PromQL.
 */
class DeployedRulesAndDashboardTest {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Path RULES = DEPLOY.resolve("prometheus/llm-rollout-rules.yml");
  private static final Path RULE_TESTS = DEPLOY.resolve("prometheus/llm-rollout-rules.test.yml");
  private static final Path DASHBOARD = DEPLOY.resolve("grafana/llm-rollout-dashboard.json");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void rulesPassPromtoolCheckAndTheirUnitTests() throws Exception {
    assumePromtool();
    assertThat(promtool("check", "rules", RULES.toString())).contains("SUCCESS: 13 rules found");
    assertThat(promtool("test", "rules", RULE_TESTS.toString())).contains("SUCCESS");
  }

  @Test
  void dashboardIsStructurallyValid() throws IOException {
    assertThat(problems(JSON.readTree(DASHBOARD.toFile()))).isEmpty();
  }

  /**
   * Issue 15, point 7: the guard's gauges (exported by the gateway or controller running it; the
   * names are checked against a controller's real {@code /metrics} in llm-router's
   * FleetControllerIT) each have a panel.
   */
  @Test
  void dashboardShowsTheGuardsStateStepWeightHoldReasonAndKills() throws IOException {
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : JSON.readTree(DASHBOARD.toFile()).path("panels")) {
      panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
    }
    for (String gauge :
        List.of(
            "llm_rollout_rollout_state{",
            "llm_rollout_rollout_step{",
            "llm_rollout_rollout_canary_weight_ratio{",
            "llm_rollout_rollout_hold{",
            "llm_rollout_kill_active")) {
      assertThat(exprs).as("a panel queries " + gauge).anyMatch(e -> e.contains(gauge));
    }
    assertThat(exprs)
        .as("the written weight and the observed share side by side")
        .anyMatch(e -> e.contains("llm_rollout_guard_requests_total") && e.contains("_all"));
  }

  @Test
  void theStructuralCheckFindsBrokenDashboards() throws IOException {
    ObjectNode broken = (ObjectNode) JSON.readTree(DASHBOARD.toFile());
    ObjectNode first = (ObjectNode) broken.path("panels").get(0);
    ((ObjectNode) first.path("gridPos")).put("x", 20);
    ((ObjectNode) first.path("targets").get(0)).put("expr", "rate(x{flag=\"$undefined\"}[5m])");
    ((ObjectNode) broken.path("panels").get(1)).put("id", first.path("id").asInt());

    assertThat(problems(broken))
        .anyMatch(p -> p.contains("gridPos"))
        .anyMatch(p -> p.contains("$undefined"))
        .anyMatch(p -> p.contains("duplicate panel id"));
  }

  @Test
  void everyDashboardQueryParsesAsPromQl() throws Exception {
    assumePromtool();
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int n = 0;
    for (JsonNode panel : JSON.readTree(DASHBOARD.toFile()).path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String expr =
            target
                .path("expr")
                .asText()
                .replace("$__rate_interval", "5m")
                .replaceAll("\\$\\{?\\w+}?", "x");
        rules
            .append("      - record: dashboard:query")
            .append(++n)
            .append("\n        expr: ")
            .append(JSON.writeValueAsString(expr))
            .append('\n');
      }
    }
    Path file = tmp.resolve("dashboard-queries.yml");
    Files.writeString(file, rules);
    assertThat(promtool("check", "rules", file.toString()))
        .contains("SUCCESS: " + n + " rules found");
  }

  /** The research note's checks (docs: Grafana's dashboard JSON model); empty when valid. */
  static List<String> problems(JsonNode dashboard) {
    List<String> problems = new ArrayList<>();
    if (dashboard.path("title").asText().isBlank()) {
      problems.add("no title");
    }
    int uidLength = dashboard.path("uid").asText().length();
    if (uidLength < 8 || uidLength > 40) {
      problems.add("uid of " + uidLength + " characters, expected 8 to 40");
    }
    JsonNode schema = dashboard.path("schemaVersion");
    if (!schema.isInt() || schema.asInt() < 13 || schema.asInt() > 42) {
      problems.add("schemaVersion " + schema + ", expected an integer from 13 to 42");
    }
    Set<String> variables = new HashSet<>();
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      variables.add(variable.path("name").asText());
      checkDatasource(variable.path("datasource"), "variable " + variable.path("name"), problems);
    }
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      String name = "panel " + panel.path("id") + " '" + panel.path("title").asText() + "'";
      if (!ids.add(panel.path("id").asInt())) {
        problems.add("duplicate panel id " + panel.path("id"));
      }
      if (panel.path("type").asText().isBlank()) {
        problems.add(name + ": no type");
      }
      JsonNode grid = panel.path("gridPos");
      int x = grid.path("x").asInt(-1);
      int w = grid.path("w").asInt(0);
      if (w < 1 || w > 24 || x < 0 || x >= 24 || x + w > 24 || grid.path("h").asInt(0) <= 0) {
        problems.add(name + ": gridPos " + grid + " outside the 24-column grid");
      }
      checkDatasource(panel.path("datasource"), name, problems);
      Set<String> refIds = new HashSet<>();
      for (JsonNode target : panel.path("targets")) {
        if (!refIds.add(target.path("refId").asText())) {
          problems.add(name + ": duplicate refId " + target.path("refId"));
        }
        String expr = target.path("expr").asText();
        if (expr.isBlank()) {
          problems.add(name + ": empty expr");
        }
        Matcher m = VARIABLE.matcher(expr);
        while (m.find()) {
          if (!m.group(1).startsWith("__") && !variables.contains(m.group(1))) {
            problems.add(name + ": $" + m.group(1) + " is not a templating variable");
          }
        }
        checkDatasource(target.path("datasource"), name, problems);
      }
    }
    return problems;
  }

  private static void checkDatasource(JsonNode datasource, String where, List<String> problems) {
    if (!datasource.isMissingNode()
        && (datasource.path("type").asText().isBlank()
            || datasource.path("uid").asText().isBlank())) {
      problems.add(where + ": datasource " + datasource + " lacks type or uid");
    }
  }

  private static void assumePromtool() {
    boolean present;
    try {
      present = new ProcessBuilder("promtool", "--version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      present = false;
    }
    Assumptions.assumeTrue(
        present,
        "promtool is not on PATH: run .ci/prometheus.sh install (CI does) to run this test");
  }

  private static String promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("promtool %s:%n%s", args, output).isZero();
    return output;
  }
}
