package dev.llmrollout.guard;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.guard.testing.GuardFixture;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 5.8 and 5.6: semantic-version policy and the shadow phase")
class VersionPolicyAndShadowTest {
  private final GuardFixture fx = new GuardFixture();

  private RolloutSpec.Builder spec(String from, String to) {
    return RolloutSpec.forFlag(FLAG).stable(STABLE).canary(CANARY).versions(from, to);
  }

  @Test
  void classifiesVersionChanges() {
    assertThat(VersionPolicy.classify(Optional.of("1.4.2"), Optional.of("1.4.3")))
        .isEqualTo(VersionPolicy.Change.PATCH);
    assertThat(VersionPolicy.classify(Optional.of("v1.4.2"), Optional.of("1.5.0-rc.1")))
        .isEqualTo(VersionPolicy.Change.MINOR);
    assertThat(VersionPolicy.classify(Optional.of("1.4.2"), Optional.of("2.0.0")))
        .isEqualTo(VersionPolicy.Change.MAJOR);
    assertThat(VersionPolicy.classify(Optional.empty(), Optional.of("2.0.0")))
        .isEqualTo(VersionPolicy.Change.UNKNOWN);
    assertThatThrownBy(() -> VersionPolicy.classify(Optional.of("latest"), Optional.of("2.0.0")))
        .hasMessageContaining("stableVersion is 'latest'");
  }

  @Test
  @DisplayName("5.8: a patch may flip blue-green; a minor change needs a canary plan")
  void patchMayFlipMinorNeedsCanary() {
    assertThatThrownBy(
            () -> fx.guard().start(spec("1.4.2", "1.5.0").plan(RolloutPlan.blueGreen()).build()))
        .isInstanceOf(RolloutRefusedException.class)
        .hasMessageContaining("minor change (1.4.2 -> 1.5.0) needs a canary plan");
    Rollout patch = fx.guard().start(spec("1.4.2", "1.4.3").plan(RolloutPlan.blueGreen()).build());
    assertThat(patch.state()).isEqualTo(RolloutState.CANARY);
    assertThat(fx.control.requests()).hasSize(1);
  }

  @Test
  @DisplayName("5.8: a major change needs a completed shadow phase before any canary")
  void majorNeedsShadow() {
    assertThatThrownBy(() -> fx.guard().start(spec("1.4.2", "2.0.0").build()))
        .isInstanceOf(RolloutRefusedException.class)
        .hasMessageContaining("major change")
        .hasMessageContaining("shadow");
    assertThat(fx.control.requests()).as("nothing written").isEmpty();

    Rollout completedElsewhere =
        fx.guard().start(spec("1.4.2", "2.0.0").shadowCompleted(true).build());
    assertThat(completedElsewhere.state()).isEqualTo(RolloutState.CANARY);
  }

  @Test
  @DisplayName("5.6: the shadow phase serves no one, then enters the first canary step")
  void shadowPhaseThenCanary() {
    RolloutPlan plan = RolloutPlan.custom().shadow(Duration.ofHours(1), 500).build();
    Rollout rollout = fx.guard().start(spec("1.4.2", "2.0.0").plan(plan).build());
    assertThat(rollout.state()).isEqualTo(RolloutState.SHADOW);
    assertThat(fx.control.requests()).as("shadow writes no split").isEmpty();

    fx.traffic(STABLE, null, 2_000, 0.99);
    fx.traffic(CANARY, null, 600, 0.99);
    assertThat(rollout.check().decision()).isEqualTo(Decision.CONTINUE);
    fx.advance(Duration.ofHours(1));
    AuditRecord record = rollout.check();

    assertThat(record.decision()).isEqualTo(Decision.PROMOTE);
    assertThat(record.transition()).get().hasToString("SHADOW -> CANARY step 1");
    assertThat(fx.control.state(FLAG).share(CANARY)).isEqualTo(5.0);
  }

  @Test
  @DisplayName("5.6: a shadow that breaks a rule never reaches the canary")
  void badShadowRollsBack() {
    RolloutPlan plan = RolloutPlan.custom().shadow(Duration.ofHours(1), 500).build();
    Rollout rollout = fx.guard().start(spec("1.4.2", "2.0.0").plan(plan).build());
    fx.traffic(STABLE, null, 2_000, 0.99);
    fx.traffic(CANARY, null, 600, 0.70);

    assertThat(rollout.check().decision()).isEqualTo(Decision.ROLL_BACK);
    assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(fx.control.state(FLAG).share(CANARY)).isZero();
  }
}
