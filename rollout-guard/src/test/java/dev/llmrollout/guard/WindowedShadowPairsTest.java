package dev.llmrollout.guard;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.guard.testing.GuardFixture;
import dev.llmrollout.guard.testing.PairTraffic;
import dev.llmrollout.signals.PairCounters;
import dev.llmrollout.signals.PairRecorder;
import dev.llmrollout.signals.SignalsUnavailableException;
import dev.llmrollout.signals.WindowedPairSignalSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 19 (fleet): a windowed pair source is read from the shadow phase's start")
class WindowedShadowPairsTest {
  private final GuardFixture fx = new GuardFixture();
  private final PairRecorder recorded = new PairRecorder();
  private final SplittableRandom random = new SplittableRandom(15);

  /** The recorder's pairs served as windows; records what was asked; can be made unavailable. */
  private final class FleetPairs implements WindowedPairSignalSource {
    final List<Instant> starts = new ArrayList<>();
    volatile String unavailable;

    @Override
    public PairCounters pairs(String flagKey, String primary, String candidate) {
      throw new AssertionError("a windowed source is asked for windows, never for a snapshot");
    }

    @Override
    public PairCounters window(
        String flagKey, String primary, String candidate, Instant start, Instant end) {
      if (unavailable != null) {
        throw new SignalsUnavailableException(unavailable);
      }
      starts.add(start);
      return recorded.pairs(flagKey, primary, candidate);
    }
  }

  private final FleetPairs fleet = new FleetPairs();

  private RolloutGuard guard(String owner) {
    return fx.builder(GuardConfig.ofDefaults()).shadowPairs(fleet).owner(owner).build();
  }

  private static RolloutSpec spec() {
    return RolloutSpec.forFlag(FLAG)
        .stable(STABLE)
        .canary(CANARY)
        .versions("1.4.2", "2.0.0")
        .skipEvalGate("windowed shadow pairs test")
        .shadowRules(ShadowRuleSet.of(ShadowRule.refusalDiscordanceAtMost(0.02)))
        .plan(
            RolloutPlan.custom()
                .shadow(Duration.ofMinutes(30), 1_000)
                .maxStepDuration(Duration.ofHours(6))
                .build())
        .build();
  }

  /** Feeds pairs a minute at a time (the scheduler checks too) until the shadow decided. */
  private AuditRecord feedUntilDecided(Rollout rollout, PairTraffic traffic) {
    for (int minute = 0; minute < 120 && rollout.state() == RolloutState.SHADOW; minute++) {
      traffic.record(recorded, FLAG, STABLE, CANARY, "shipping", 500, 4_000, random);
      fx.advance(Duration.ofMinutes(1));
      rollout.check();
    }
    return fx.audit.records().stream()
        .filter(r -> r.transition().filter(t -> t.from() == RolloutState.SHADOW).isPresent())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no decision in the shadow: " + rollout.state()));
  }

  @Test
  @DisplayName("missing data holds the shadow with its reason; back, a refusing candidate aborts")
  void missingDataHoldsThenEvidenceAborts() {
    Instant shadowStart = fx.clock.instant();
    Rollout rollout = guard("a").start(spec());
    PairTraffic.refusing().record(recorded, FLAG, STABLE, CANARY, "shipping", 500, 4_000, random);
    fx.advance(Duration.ofMinutes(1));
    fleet.unavailable = "Prometheus at http://127.0.0.1:9/api/v1/query unreachable";

    AuditRecord held = rollout.check();

    assertThat(held.decision()).isEqualTo(Decision.HOLD);
    assertThat(held.reason()).contains("signals unavailable", "unreachable");
    assertThat(rollout.state()).as("still in its shadow phase").isEqualTo(RolloutState.SHADOW);
    assertThat(rollout.holdReason()).contains(HoldReason.SIGNALS_UNAVAILABLE);
    assertThat(fx.control.requests()).as("nothing written while blind").isEmpty();

    fleet.unavailable = null;
    AuditRecord aborted = feedUntilDecided(rollout, PairTraffic.refusing());
    assertThat(aborted.decision()).isEqualTo(Decision.ROLL_BACK);
    assertThat(aborted.reason()).contains("shadow rule broken, no user exposed");
    assertThat(fx.control.state(FLAG).share(CANARY)).isZero();
    assertThat(fleet.starts).as("every window from the shadow's start").containsOnly(shadowStart);
  }

  @Test
  @DisplayName("a resumed shadow phase judges the same window, from the recorded start")
  void aResumedShadowReadsFromTheRecordedStart() {
    Instant shadowStart = fx.clock.instant();
    guard("a").start(spec());
    fx.advance(Duration.ofMinutes(10));

    Rollout resumed = guard("a").resume(Set.of(FLAG)).get(0);
    AuditRecord record = feedUntilDecided(resumed, PairTraffic.equal());

    assertThat(record.decision()).as(record.reason()).isEqualTo(Decision.PROMOTE);
    assertThat(record.reason()).contains("shadow gate passed on evidence");
    assertThat(fleet.starts).isNotEmpty().containsOnly(shadowStart);
    assertThat(fx.control.state(FLAG).share(CANARY)).isPositive();
  }
}
