package dev.llmrollout.launchdarkly;

import static dev.llmrollout.contract.FlagSpec.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.launchdarkly.fake.FakeFlag;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, point 4: what LaunchDarkly refuses, as {@code patchFeatureFlag} documents it, and how
 * write-back answers: approvals required (405), a pending scheduled change (400 unless {@code
 * ignoreConflicts=true}), a change that changes nothing, and the flag's two version counters.
 */
class LaunchDarklyRefusalsTest extends PublishedFlagFixture {

  @Test
  void approvalRequiredIsReportedAsSuchWithWhatToDo() {
    harness.server.requireApprovals(true);
    int version = flag().version();

    assertThatThrownBy(() -> control.kill(FLAG, "stable", ChangeRequest.because("p95 up")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
              assertThat(e.getMessage())
                  .contains(
                      "HTTP 405", "requires approval", "approval-requests", "LD_ACCESS_TOKEN");
            });
    assertThat(flag().version()).isEqualTo(version);
    assertThat(harness.server.patchRequests()).isEqualTo(1); // not retried: waiting will not help
  }

  @Test
  void aPendingScheduledChangeRefusesARampButNotAKill() {
    harness.server.scheduleChange(FLAG);
    int version = flag().version();

    assertThatThrownBy(() -> control.setWeights(FLAG, split(75, 25), ChangeRequest.because("ramp")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
              assertThat(e.getMessage()).contains("HTTP 400", "pending scheduled change");
            });
    assertThat(flag().version()).isEqualTo(version);

    FlagState killed = control.kill(FLAG, "stable", ChangeRequest.because("p95 up"));
    assertThat(killed.killedTo()).contains("stable");
  }

  @Test
  void aChangeThatChangesNothingIsNotSentAndLeavesTheVersion() {
    FlagState now = control.state(FLAG);
    int patches = harness.server.patchRequests();
    int streamed = harness.server.streamedFlagEvents();

    FlagState same =
        control.setWeights(
            FLAG, now.weights(), ChangeRequest.because("same split").ifVersion(now.version()));

    assertThat(same.version()).isEqualTo(now.version());
    assertThat(harness.server.patchRequests()).isEqualTo(patches);
    assertThat(harness.server.streamedFlagEvents()).isEqualTo(streamed);
    assertThat(harness.server.auditLog()).isEmpty();
  }

  @Test
  void aFlagLevelEditMovesTheFlagVersionButNotTheEnvironmentsSoItIsNoConflict() throws Exception {
    FlagState read = control.state(FLAG);
    int flagVersion = flag().flagVersion();
    HttpResponse<String> answer = patchDescription("edited in the console");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(flag().flagVersion()).isEqualTo(flagVersion + 1);
    assertThat(Integer.toString(flag().version())).isEqualTo(read.version());

    FlagState written =
        control.setWeights(
            FLAG, split(75, 25), ChangeRequest.because("ramp").ifVersion(read.version()));
    assertThat(written.weights()).isEqualTo(split(75, 25));
  }

  private HttpResponse<String> patchDescription(String text) throws Exception {
    String body =
        "{\"comment\":\"console\",\"patch\":[{\"op\":\"replace\",\"path\":\"/description\",\"value\":\""
            + text
            + "\"}]}";
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(harness.server.uri().resolve("/api/v2/flags/default/" + FLAG))
                .header("Authorization", LocalLaunchDarklyHarness.WRITER_TOKEN)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private FakeFlag flag() {
    return harness.server.flag(FLAG).orElseThrow();
  }
}
