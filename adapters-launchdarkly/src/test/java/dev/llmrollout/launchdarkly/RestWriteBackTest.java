package dev.llmrollout.launchdarkly;

import static dev.llmrollout.contract.FlagSpec.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.launchdarkly.fake.FakeAuditLog;
import dev.llmrollout.launchdarkly.fake.FakeFlag;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, point 2 (and issue 18): write-back through the REST API with a version-tested JSON
 * Patch: indexes for variations, the reason in the audit log, retries for 409/429/5xx honouring the
 * rate-limit headers, LaunchDarkly's message for refusals, permission errors that say what to fix
 * and never show the token.
 */
class RestWriteBackTest extends PublishedFlagFixture {

  @Test
  void setWeightsSendsAVersionTestedJsonPatchOfTheRolloutWithTheReasonAsComment() {
    int versionBefore = harness.server.flag(FLAG).orElseThrow().version();
    FlagState state =
        control.setWeights(
            FLAG, split(80, 20), ChangeRequest.because("step 2 of 4").by("rollout-guard"));

    FakeAuditLog.Entry entry = harness.server.auditLog().get(0);
    assertThat(entry.comment())
        .isEqualTo("step 2 of 4 [set-weights by rollout-guard via llm-rollout]");
    JsonNode test = entry.changes().get(0);
    assertThat(test.path("op").asText()).isEqualTo("test");
    assertThat(test.path("path").asText()).isEqualTo("/environments/production/version");
    assertThat(test.path("value").asInt()).isEqualTo(versionBefore);
    JsonNode replace = entry.changes().get(1);
    assertThat(replace.path("op").asText()).isEqualTo("replace");
    assertThat(replace.path("path").asText()).isEqualTo("/environments/production/fallthrough");
    JsonNode weights = replace.path("value").path("rollout").path("variations");
    assertThat(weights.get(0).path("variation").asInt()).isZero();
    assertThat(weights.get(0).path("weight").asInt()).isEqualTo(80_000);
    assertThat(weights.get(1).path("variation").asInt()).isEqualTo(1);
    assertThat(weights.get(1).path("weight").asInt()).isEqualTo(20_000);
    FakeFlag flag = harness.server.flag(FLAG).orElseThrow();
    assertThat(state.version()).isEqualTo(Integer.toString(flag.version()));
  }

  @Test
  void weightsThatAreNotWholeThousandthsRoundToUnitsSummingToOneHundredThousand() {
    FlagState state =
        control.setWeights(FLAG, split(100 / 3.0, 200 / 3.0), ChangeRequest.because("thirds"));
    assertThat(state.weights()).containsEntry("stable", 33.333).containsEntry("canary", 66.667);
  }

  @Test
  void rateLimitedWritesAreRetriedAfterTheRateLimitReset() {
    Instant now = Instant.parse("2026-11-22T12:00:00Z");
    LaunchDarklyRolloutControl clocked =
        harness
            .controlBuilder(LocalLaunchDarklyHarness.WRITER_TOKEN)
            .clock(Clock.fixed(now, ZoneOffset.UTC))
            .build();
    harness.server.failRest(
        "PATCH", 429, Map.of("X-Ratelimit-Reset", Long.toString(now.toEpochMilli() + 300)), 2);

    long started = System.nanoTime();
    FlagState state = clocked.setWeights(FLAG, split(75, 25), ChangeRequest.because("ramp"));
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(state.weights()).isEqualTo(split(75, 25));
    assertThat(harness.server.patchRequests()).isEqualTo(3);
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(600);
  }

  @Test
  void aConcurrentRequestConflictIsRetried() {
    harness.server.failRest("PATCH", 409, Map.of(), 2);
    FlagState state = control.kill(FLAG, "stable", ChangeRequest.because("error rate"));
    assertThat(state.killedTo()).contains("stable");
    assertThat(harness.server.patchRequests()).isEqualTo(3);
  }

  @Test
  void serverErrorsOnEveryAttemptFailAsUnavailableAndChangeNothing() {
    harness.server.failRest("PATCH", 503, Map.of(), 5);
    assertThatThrownBy(() -> control.setWeights(FLAG, split(50, 50), ChangeRequest.because("ramp")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
              assertThat(e.getMessage()).contains(FLAG, "5 attempts", "HTTP 503");
            });
    assertThat(control.state(FLAG).weights()).isEqualTo(split(95, 5));
  }

  @Test
  void refusalsCarryLaunchDarklysMessage() {
    harness.server.failRest("PATCH", 422, Map.of(), 1);
    assertThatThrownBy(() -> control.setWeights(FLAG, split(50, 50), ChangeRequest.because("ramp")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
              assertThat(e.getMessage()).contains("HTTP 422", "Injected failure");
            });
  }

  @Test
  void aWrongTokenIsAPermissionErrorThatNamesTheVariableAndNotTheToken() {
    LaunchDarklyRolloutControl wrong = harness.controlBuilder("api-not-a-real-token").build();
    assertThatThrownBy(() -> wrong.state(FLAG))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
              assertThat(e.getMessage())
                  .contains("HTTP 401", "LD_ACCESS_TOKEN")
                  .doesNotContain("api-not-a-real-token");
            });
  }

  @Test
  void aReadOnlyTokenCanReadButItsWritesAreForbidden() {
    LaunchDarklyRolloutControl reader =
        harness.controlBuilder(LocalLaunchDarklyHarness.READER_TOKEN).build();
    assertThat(reader.state(FLAG).variants()).containsExactly("stable", "canary");
    assertThatThrownBy(() -> reader.kill(FLAG, "stable", ChangeRequest.because("x")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
              assertThat(e.getMessage())
                  .contains(
                      "HTTP 403", "Access to the requested resource was denied", "LD_ACCESS_TOKEN");
            });
  }

  @Test
  void badRequestsAreRejectedBeforeAnythingIsSent() {
    assertKind(() -> control.state("no-such-flag"), Kind.NOT_FOUND);
    assertKind(
        () -> control.kill(FLAG, "no-such-variant", ChangeRequest.because("x")), Kind.NOT_FOUND);
    assertKind(() -> control.restore(FLAG, ChangeRequest.because("x")), Kind.INVALID_REQUEST);
    assertKind(
        () -> control.setWeights(FLAG, split(60, 30), ChangeRequest.because("x")),
        Kind.INVALID_REQUEST);
    assertThat(harness.server.patchRequests()).isZero();
  }

  @Test
  void killingAKilledFlagKeepsTheFirstKillAndWeightsCannotChangeUntilRestored() {
    control.kill(FLAG, "stable", ChangeRequest.because("first"));
    FlagState again = control.kill(FLAG, "stable", ChangeRequest.because("second"));
    assertThat(again.killedTo()).contains("stable");
    assertThat(harness.server.patchRequests()).isEqualTo(1);
    assertKind(
        () -> control.setWeights(FLAG, split(50, 50), ChangeRequest.because("x")),
        Kind.INVALID_REQUEST);

    FlagState restored = control.restore(FLAG, ChangeRequest.because("fixed"));
    assertThat(restored.weights()).isEqualTo(split(95, 5));
    assertThat(restored.killed()).isFalse();
  }

  @Test
  void recentChangesReadLaunchDarklysAuditLogOldestFirstWithStatesBeforeAndAfter() {
    control.setWeights(FLAG, split(75, 25), ChangeRequest.because("step 2").by("rollout-guard"));
    control.kill(FLAG, "stable", ChangeRequest.because("p95 regression").by("rollout-guard"));
    control.restore(FLAG, ChangeRequest.because("fixed").by("alice"));

    List<ChangeRecord> changes = control.recentChanges(FLAG, 2);

    assertThat(changes).extracting(ChangeRecord::action).containsExactly("kill", "restore");
    ChangeRecord kill = changes.get(0);
    assertThat(kill.reason()).isEqualTo("p95 regression");
    assertThat(kill.actor()).isEqualTo("rollout-guard");
    assertThat(kill.before().path("weights").path("canary").asDouble()).isEqualTo(25.0);
    assertThat(kill.before().path("killedTo").isNull()).isTrue();
    assertThat(kill.after().path("killedTo").asText()).isEqualTo("stable");
    assertThat(changes.get(1).actor()).isEqualTo("alice");
    assertThat(control.recentChanges("other-flag", 5)).isEmpty();
  }

  private static void assertKind(Runnable call, Kind kind) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            WriteBackException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }
}
