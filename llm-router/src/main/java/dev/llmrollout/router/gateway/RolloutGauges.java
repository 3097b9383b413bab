package dev.llmrollout.router.gateway;

import dev.llmrollout.guard.HoldReason;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RolloutState;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The guard's own state as Prometheus gauges, exported by whichever process runs it (a gateway or
 * the controller) at {@code /metrics}, read at collection time from the rollouts it holds. Every
 * label is bounded: the flags this process started a rollout of, a state of six, a hold reason of
 * four, a kill source of two.
 *
 * <ul>
 *   <li>{@code llm_rollout_rollout_state{feature_flag_key, llm_rollout_state}}: 1 for the state the
 *       flag's latest rollout is in, 0 for the others
 *   <li>{@code llm_rollout_rollout_step{feature_flag_key}}: the canary step (from 1), 0 outside the
 *       canary
 *   <li>{@code llm_rollout_rollout_canary_weight_ratio{feature_flag_key,
 *       feature_flag_result_variant}}: the canary's share the guard has written (0 to 1)
 *   <li>{@code llm_rollout_rollout_hold{feature_flag_key, llm_rollout_hold_reason}}: 1 for why the
 *       rollout does not advance now, 0 for the other reasons
 *   <li>{@code llm_rollout_kill_active{feature_flag_key, feature_flag_result_variant,
 *       llm_rollout_kill_source}}: 1 per active kill: {@code override} while this process's kill
 *       switch forces the safe variant (a rollback sets it, the flag's next rollout releases it),
 *       {@code guard_rollback} while the flag stays rolled back by this guard (until restored
 *       through it)
 * </ul>
 */
final class RolloutGauges {
  static final AttributeKey<String> FLAG = AttributeKey.stringKey("feature_flag.key");
  static final AttributeKey<String> VARIANT = AttributeKey.stringKey("feature_flag.result.variant");
  static final AttributeKey<String> STATE = AttributeKey.stringKey("llm_rollout.state");
  static final AttributeKey<String> HOLD_REASON = AttributeKey.stringKey("llm_rollout.hold_reason");
  static final AttributeKey<String> KILL_SOURCE = AttributeKey.stringKey("llm_rollout.kill_source");

  private RolloutGauges() {}

  /** Registers the gauges on {@code stack}'s meter, reading {@code rollouts} at each collection. */
  static void register(FlagStack stack, GuardedRollouts rollouts) {
    Meter meter = stack.meter();
    meter
        .gaugeBuilder("llm_rollout.rollout.state")
        .ofLongs()
        .setDescription("1 for the state of the flag's latest rollout, 0 for the other states")
        .buildWithCallback(
            m ->
                rollouts
                    .rollouts()
                    .forEach(
                        (flag, rollout) ->
                            recordOneHot(
                                m,
                                flag,
                                RolloutState.values(),
                                Optional.of(rollout.state()),
                                STATE,
                                RolloutState::name)));
    meter
        .gaugeBuilder("llm_rollout.rollout.step")
        .ofLongs()
        .setDescription("The canary step of the flag's rollout, from 1; 0 outside the canary")
        .buildWithCallback(
            m ->
                rollouts
                    .rollouts()
                    .forEach((flag, r) -> m.record(r.step() + 1L, Attributes.of(FLAG, flag))));
    meter
        .gaugeBuilder("llm_rollout.rollout.canary_weight_ratio")
        .setDescription("The canary's share of the flag's traffic the guard has written, 0 to 1")
        .buildWithCallback(
            m ->
                rollouts
                    .rollouts()
                    .forEach(
                        (flag, rollout) ->
                            m.record(
                                writtenCanaryShare(rollout),
                                Attributes.of(FLAG, flag, VARIANT, rollout.spec().canary()))));
    meter
        .gaugeBuilder("llm_rollout.rollout.hold")
        .ofLongs()
        .setDescription("1 for why the flag's rollout does not advance now, 0 for other reasons")
        .buildWithCallback(
            m ->
                rollouts
                    .rollouts()
                    .forEach(
                        (flag, rollout) ->
                            recordOneHot(
                                m,
                                flag,
                                HoldReason.values(),
                                rollout.holdReason(),
                                HOLD_REASON,
                                RolloutGauges::label)));
    meter
        .gaugeBuilder("llm_rollout.kill.active")
        .ofLongs()
        .setDescription("1 per active kill of a flag to its safe variant, by source")
        .buildWithCallback(
            m -> {
              for (String flag : stack.flagKeys()) {
                stack
                    .override()
                    .forcedVariant(flag)
                    .ifPresent(
                        safe ->
                            m.record(
                                1,
                                Attributes.of(FLAG, flag, VARIANT, safe, KILL_SOURCE, "override")));
              }
              rollouts
                  .killedByGuard()
                  .forEach(
                      (flag, safe) ->
                          m.record(
                              1,
                              Attributes.of(
                                  FLAG, flag, VARIANT, safe, KILL_SOURCE, "guard_rollback")));
            });
  }

  /** One series per value of {@code values}: 1 for {@code current}, 0 for the others. */
  private static <E extends Enum<E>> void recordOneHot(
      ObservableLongMeasurement measurement,
      String flag,
      E[] values,
      Optional<E> current,
      AttributeKey<String> key,
      Function<E, String> label) {
    for (E value : values) {
      measurement.record(
          current.filter(value::equals).isPresent() ? 1 : 0,
          Attributes.of(FLAG, flag, key, label.apply(value)));
    }
  }

  /** The canary's written share: its step's, all of it once promoted, none in shadow or after. */
  static double writtenCanaryShare(Rollout rollout) {
    return switch (rollout.state()) {
      case CANARY, HELD -> rollout.spec().plan().canaryPercent(rollout.step()) / 100;
      case PROMOTED -> 1;
      default -> 0;
    };
  }

  static String label(HoldReason reason) {
    return reason.name().toLowerCase(Locale.ROOT);
  }
}
