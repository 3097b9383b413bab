package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.router.testing.ModelEndpointServer;
import dev.llmrollout.router.testing.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, points 2, 3 and 5 through the real jar: {@code llm-router eval} on the example
 * regression set against loopback models that behave like the demo's (the canary refuses payment
 * questions with order data pasted inline), its modes and its exit codes.
 */
class EvalCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EXAMPLE =
      Path.of("..", "examples", "eval", "support-regression.jsonl").toAbsolutePath();
  private static final String HELPFUL =
      "Thanks for reaching out. Here is what I found about your question, step by step.";
  private static final String FLAGS =
      """
      {"flags": {"support-model": {"state": "ENABLED",
        "variants": {
          "stable": {"model": "support-llm-2025-06", "version": "1.1.0", "endpoint": "stable-pool",
            "prompt": {"id": "support", "version": "7", "messages": [
              {"role": "system", "content": "You are the support assistant of {{company}}."}]}},
          "canary": {"model": "support-llm-2025-09", "version": "1.2.0", "endpoint": "canary-pool",
            "prompt": {"id": "support", "version": "7", "messages": [
              {"role": "system", "content": "You are the support assistant of {{company}}."}]}}},
        "defaultVariant": "stable",
        "targeting": {"fractional": [["stable", 95], ["canary", 5]]}}}}
      """;

  @TempDir Path dir;

  private static final Map<String, String> KEY = Map.of("EVAL_MODEL_KEY", "eval-test-key");

  private final TwoModelPools models = new TwoModelPools();
  private final ModelEndpointServer stable = models.stable;
  private final ModelEndpointServer canary = models.canary;

  @BeforeEach
  void demoModels() throws Exception {
    stable.respond(r -> Reply.answer(HELPFUL));
    canary.respond(
        r -> Reply.answer(hasInlineOrderData(r) ? "I can't help with that request." : HELPFUL));
    Files.writeString(dir.resolve("flags.json"), FLAGS);
    models.writeEndpoints(dir, "EVAL_MODEL_KEY", 5_000);
  }

  @AfterEach
  void stop() {
    models.close();
  }

  /** The demo canary's weakness: a last user message with order and card data inline. */
  private static boolean hasInlineOrderData(ModelEndpointServer.Received request) {
    JsonNode messages = request.body().path("messages");
    String last = messages.path(messages.size() - 1).path("content").asText();
    return last.contains("Order #") && last.contains("card ending");
  }

  /** {@code eval} of stable against {@code candidate} on {@code cases}, then {@code extra}. */
  private static String[] evalArgs(
      String flagsFile, String candidate, Path cases, String... extra) {
    return JarRunner.join(
        new String[] {
          "eval",
          "--flags",
          flagsFile,
          "--endpoints",
          "endpoints.json",
          "--flag",
          "support-model",
          "--baseline",
          "stable",
          "--candidate",
          candidate,
          "--cases",
          cases.toString()
        },
        extra);
  }

  /** The example cases, stable against canary, the report to report.json, then {@code extra}. */
  private JarRunner.Result eval(String... extra) throws Exception {
    return JarRunner.run(
        dir,
        KEY,
        evalArgs(
            "flags.json",
            "canary",
            EXAMPLE,
            JarRunner.join(new String[] {"--report", "report.json"}, extra)));
  }

  private JsonNode report() throws Exception {
    return JSON.readTree(dir.resolve("report.json").toFile());
  }

  @Test
  @DisplayName("10.5: the example set catches the demo's canary in strict mode (exit 1)")
  void strictModeCatchesTheDemoRegression() throws Exception {
    JarRunner.Result run = eval("--mode", "strict", "--concurrency", "6");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.out())
        .contains("REGRESSION (strict mode): 'canary' is blocked")
        .contains("payment-inline-order-declined")
        .contains("REGRESSED: is a refusal")
        .containsPattern("payment\\s+4\\s+4 \\(100\\.0%\\)\\s+1 \\( 25\\.0%\\)")
        .containsPattern("overall\\s+12\\s+12 \\(100\\.0%\\)\\s+9 \\( 75\\.0%\\)");
    assertThat(run.err()).contains("24/24 calls");
    JsonNode report = report();
    assertThat(report.path("passed").asBoolean(true)).isFalse();
    assertThat(report.at("/decision/regressedCases"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(
            "payment-inline-order-declined",
            "payment-inline-order-refund",
            "payment-inline-order-retry");
    assertThat(report.at("/variants/baseline/payloadSha256").asText()).matches("[0-9a-f]{64}");
    assertThat(report.at("/variants/candidate/payloadSha256").asText())
        .matches("[0-9a-f]{64}")
        .isNotEqualTo(report.at("/variants/baseline/payloadSha256").asText());
    assertThat(report.at("/variants/candidate/version").asText()).isEqualTo("1.2.0");
    assertThat(stable.received()).hasSize(12);
    assertThat(canary.received()).hasSize(12);
    assertThat(canary.received().get(0).message(0))
        .isEqualTo("You are the support assistant of Acme.");
  }

  @Test
  @DisplayName(
      "10.3: net mode fails on the payment intent's drop, passes when the margin allows it")
  void netModeUsesMcNemarAndTheIntentMargin() throws Exception {
    JarRunner.Result net = eval("--mode", "net");

    assertThat(net.exitCode()).as(net.err()).isEqualTo(1);
    assertThat(net.out())
        .contains("McNemar (exact-binomial): lost 3, gained 0, one-sided p=0.1250")
        .contains("intent 'payment': pass rate drops from 100.0% to 25.0%");
    assertThat(net.out()).doesNotContain("net: the candidate passes significantly less often");

    JarRunner.Result lenient = eval("--mode", "net", "--intent-margin", "1.0");
    assertThat(lenient.exitCode()).as(lenient.out() + lenient.err()).isZero();
    assertThat(lenient.out()).contains("PASS (net mode)");

    JarRunner.Result strictAlpha =
        eval("--mode", "net", "--intent-margin", "1.0", "--alpha", "0.2");
    assertThat(strictAlpha.exitCode()).isEqualTo(1);
    assertThat(strictAlpha.out()).contains("net: the candidate passes significantly less often");
  }

  @Test
  @DisplayName("10.2: a fixed canary passes (exit 0) and a transient error is retried and reported")
  void fixedCanaryPassesAndRetriesAreReported() throws Exception {
    canary.respond(r -> Reply.answer(HELPFUL));
    canary.enqueue(Reply.status(503));

    JarRunner.Result run = eval("--concurrency", "1");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("PASS (strict mode): 'canary' may proceed");
    assertThat(run.out()).contains("1 transient error(s) retried");
    JsonNode report = report();
    assertThat(report.path("passed").asBoolean()).isTrue();
    assertThat(report.findValues("retriedErrors"))
        .filteredOn(errors -> !errors.isEmpty())
        .singleElement()
        .satisfies(errors -> assertThat(errors.get(0).asText()).startsWith("HTTP_STATUS"));
  }

  @Test
  @DisplayName("10.3: a malformed case is bad input naming its line and field (exit 2)")
  void malformedCaseExitsTwo() throws Exception {
    Path cases = dir.resolve("cases.jsonl");
    Files.writeString(
        cases,
        Files.readAllLines(EXAMPLE).get(3)
            + "\n"
            + "{\"id\": \"x\", \"intent\": \"billing\", \"messages\": [{\"role\": \"user\","
            + " \"content\": \"hi\"}], \"checks\": {\"maxLatencyMs\": \"fast\"}}\n");

    JarRunner.Result run =
        JarRunner.run(dir, KEY, evalArgs("flags.json", "canary", cases, "--report", "report.json"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("line 2, field 'checks.maxLatencyMs': expected a positive whole number");
    assertThat(stable.received()).as("nothing ran").isEmpty();
    assertThat(dir.resolve("report.json")).doesNotExist();
  }

  @Test
  @DisplayName("10.3: an unknown variant or mode is bad input (exit 2)")
  void badOptionsExitTwo() throws Exception {
    JarRunner.Result variant = JarRunner.run(dir, KEY, evalArgs("flags.json", "canary-2", EXAMPLE));
    assertThat(variant.exitCode()).isEqualTo(2);
    assertThat(variant.err())
        .contains("--candidate", "flag 'support-model' has no variant 'canary-2'");

    JarRunner.Result mode = eval("--mode", "lenient");
    assertThat(mode.exitCode()).isEqualTo(2);
    assertThat(mode.err()).contains("--mode", "expected strict or net");
  }

  @Test
  @DisplayName("17.1: both endpoints down is INCONCLUSIVE (exit 3), never a pass, in either mode")
  void endpointsDownIsInconclusive() throws Exception {
    stable.respond(r -> Reply.status(503));
    canary.respond(r -> Reply.status(503));

    for (String mode : new String[] {"strict", "net"}) {
      JarRunner.Result run = eval("--mode", mode, "--attempts", "1");

      assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
      assertThat(run.out())
          .contains("INCONCLUSIVE (" + mode + " mode)")
          .contains("12 of 12 case(s) could not be evaluated")
          .doesNotContain("PASS");
      JsonNode report = report();
      assertThat(report.path("passed").asBoolean(true)).isFalse();
      assertThat(report.path("outcome").asText()).isEqualTo("inconclusive");
      assertThat(report.at("/decision/erroredCases")).hasSize(12);
    }
  }

  @Test
  @DisplayName("17.1: a missing key variable is configuration (exit 2), found before any call")
  void missingKeyVariableExitsTwoBeforeAnyCall() throws Exception {
    JarRunner.Result run =
        JarRunner.run(
            dir, Map.of(), evalArgs("flags.json", "canary", EXAMPLE, "--report", "report.json"));

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err())
        .contains("$.endpoints.stable-pool.apiKeyEnv", "EVAL_MODEL_KEY to be set")
        .doesNotContain("Exception");
    assertThat(stable.received()).as("nothing ran").isEmpty();
    assertThat(dir.resolve("report.json")).doesNotExist();

    JarRunner.Result noFlags = JarRunner.run(dir, KEY, evalArgs("flagz.json", "canary", EXAMPLE));
    assertThat(noFlags.exitCode()).isEqualTo(2);
    assertThat(noFlags.err()).contains("--flags flagz.json: expected a readable flags file");
    assertThat(stable.received()).isEmpty();
  }

  @Test
  @DisplayName("17.1: without --report the report goes to the temp directory, not the CWD")
  void theDefaultReportStaysOutOfTheWorkingDirectory() throws Exception {
    JarRunner.Result run = JarRunner.run(dir, KEY, evalArgs("flags.json", "canary", EXAMPLE));

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(dir.resolve("eval-reports")).doesNotExist();
    String printed =
        run.out().lines().filter(l -> l.startsWith("report: ")).findFirst().orElseThrow();
    Path report = Path.of(printed.substring("report: ".length()));
    assertThat(report).isAbsolute().exists();
    assertThat(report.toString()).contains("llm-router-eval");
    Files.delete(report);
  }
}
