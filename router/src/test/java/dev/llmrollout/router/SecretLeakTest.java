package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.router.testing.RouterHarness;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 3, done-when: "a test scans captured logs and reports for the endpoint key and finds none".
 * Every path that logs or reports runs (success, streaming, HTTP errors whose body echoes the key,
 * timeouts, configuration errors, fallbacks, shadow pairs, judge verdicts), with all router logs at
 * DEBUG captured; then logs, exception traces, shadow reports and metrics are searched.
 */
class SecretLeakTest {
  private static final String FLAG = "leak-check";
  final RouterHarness harness = newHarness().timeoutMs(300);
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final List<String> failures = new ArrayList<>();
  private OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender;
  private Level previousLevel;

  /** The harness the test runs on; a subclass runs it over another {@link ModelTransport}. */
  RouterHarness newHarness() {
    return new RouterHarness();
  }

  @BeforeEach
  void captureEveryLogLine() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%level %logger %mdc %msg %throwable%n");
    encoder.start();
    appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(captured);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    previousLevel = root.getLevel();
    root.setLevel(Level.DEBUG);
    root.addAppender(appender);
  }

  @AfterEach
  void release() {
    Logger root =
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAppender(appender);
    root.setLevel(previousLevel);
    harness.close();
  }

  @Test
  void noKeyAppearsInLogsErrorsShadowReportsOrMetrics(@TempDir Path dir) throws Exception {
    String stable =
        RouterHarness.STABLE.substring(0, RouterHarness.STABLE.length() - 1)
            + ", \"shadow\": {\"variant\": \"canary\", \"sampleRate\": 1.0}}";
    harness.backend.flag(
        FLAG,
        "stable",
        Map.of(
            "stable",
            stable,
            "canary",
            RouterHarness.CANARY,
            "broken",
            "{\"model\": \"m\", \"version\": \"1.0.0\", \"endpoint\": \"missing-pool\"}"),
        RouterHarness.weights("stable", 50, "broken", 50));
    harness.judge.respond(
        r -> Reply.answer("{\"preferred\": \"tie\", \"score\": 0," + " \"reason\": \"same\"}"));
    // A misbehaving endpoint echoes the Authorization header it got into its error body.
    harness.stable.respond(
        r ->
            r.body().path("messages").path(1).path("content").asText().equals("echo")
                ? Reply.status(500).body("{\"error\": \"" + r.authorization() + "\"}")
                : Reply.answer("fine"));
    harness.canary.respond(
        r ->
            r.body().path("messages").path(1).path("content").asText().equals("echo")
                ? Reply.status(401).body(r.authorization())
                : Reply.answer("canary fine"));
    Path report = dir.resolve("shadow.jsonl");
    ModelRouter router =
        harness.build(
            harness
                .router()
                .shadowSink(JsonLinesShadowSink.appendingTo(report))
                .shadow(ShadowOptions.custom().judgeSampleRate(1.0).build())
                .judgeWithEndpoint("judge-pool", "judge-model")
                .fallbackToDefaultOnError(FLAG));

    for (int s = 0; s < 40; s++) {
      String session = "session-" + s;
      attempt(() -> router.route(request(session, "hello")));
      attempt(() -> router.route(request(session, "echo")));
      attempt(() -> router.routeStreaming(request(session, "hello"), chunk -> {}));
    }
    harness.stable.enqueue(Reply.answer("late").delayed(1_000));
    attempt(() -> router.route(request("session-0", "hello")));
    attempt(
        () ->
            EndpointRegistry.parse(
                "{\"endpoints\": {\"p\": {\"baseUrl\": \"http://h\","
                    + " \"apiKeyEnv\": \"NOT_SET\"}}}",
                "endpoints.json",
                harness.environment()::get));
    await()
        .until(
            () ->
                router.count(RouterEvent.SHADOW_RECORDED) > 0
                    && router.count(RouterEvent.SHADOW_SUBMITTED)
                        == router.count(RouterEvent.SHADOW_RECORDED));

    String logs = captured.toString(StandardCharsets.UTF_8);
    String reports = Files.readString(report, StandardCharsets.UTF_8);
    StringBuilder metrics = new StringBuilder();
    for (MetricData metric : harness.metrics.collectAllMetrics()) {
      metrics.append(metric).append('\n');
    }
    // The scan must have material to scan: each path above left a trace.
    assertThat(logs).contains("HTTP 500", "HTTP 401", "missing-pool", "falling back");
    assertThat(reports).contains("\"type\":\"pair\"", "\"type\":\"verdict\"");
    // Issue 3, point 4: the router's log lines carry flag, variant, model and version.
    assertThat(logs.lines().filter(line -> line.contains(" dev.llmrollout.router.ModelRouter ")))
        .isNotEmpty()
        .allSatisfy(
            line ->
                assertThat(line)
                    .contains(
                        "llm.flag=" + FLAG, "llm.variant=", "llm.model=", "llm.modelVersion="));
    assertThat(failures).anySatisfy(f -> assertThat(f).contains("NOT_SET"));
    // The endpoints really received the keys, so the scan looks for strings that were in play.
    assertThat(harness.stable.received())
        .extracting(r -> r.authorization())
        .contains("Bearer " + RouterHarness.STABLE_KEY);
    for (String key :
        List.of(RouterHarness.STABLE_KEY, RouterHarness.CANARY_KEY, RouterHarness.JUDGE_KEY)) {
      assertThat(logs).as("captured logs").doesNotContain(key);
      assertThat(reports).as("shadow report").doesNotContain(key);
      assertThat(metrics).as("metrics").doesNotContain(key);
      assertThat(String.join("\n", failures)).as("errors").doesNotContain(key);
      assertThat(router.toString()).doesNotContain(key);
    }
  }

  private RouteRequest request(String session, String message) {
    return RouteRequest.builder(FLAG)
        .sessionId(session)
        .requestId("r-" + session)
        .variable("product", "Acme")
        .userMessage(message)
        .build();
  }

  private void attempt(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      failures.add(trace.toString());
    }
  }
}
