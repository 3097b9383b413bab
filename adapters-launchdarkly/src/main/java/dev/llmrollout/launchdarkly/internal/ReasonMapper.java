package dev.llmrollout.launchdarkly.internal;

import com.launchdarkly.sdk.EvaluationDetail;
import com.launchdarkly.sdk.EvaluationReason;
import com.launchdarkly.sdk.LDValue;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.Reason;
import java.util.Optional;

/**
 * Maps a LaunchDarkly evaluation to a {@link Resolution}: OFF to DISABLED, TARGET_MATCH and
 * RULE_MATCH to TARGETING_MATCH, FALLTHROUGH to SPLIT when the default rule is a rollout (else
 * DEFAULT), PREREQUISITE_FAILED to DISABLED (the off variation is served); errors to OpenFeature's
 * error codes.
 */
public final class ReasonMapper {
  private ReasonMapper() {}

  /**
   * Maps one evaluation.
   *
   * @param variants the parsed variations of the flag version that was evaluated
   */
  public static Resolution resolution(
      String flagKey, EvaluationDetail<LDValue> detail, FlagVariants variants) {
    EvaluationReason reason = detail.getReason();
    if (reason.getKind() == EvaluationReason.Kind.ERROR) {
      return error(flagKey, reason.getErrorKind());
    }
    if (variants == null) {
      return Resolution.notFound(flagKey);
    }
    int index = detail.getVariationIndex();
    if (index < 0) {
      return reason.getKind() == EvaluationReason.Kind.OFF
              || reason.getKind() == EvaluationReason.Kind.PREREQUISITE_FAILED
          ? Resolution.disabled(flagKey)
          : Resolution.error(
              flagKey,
              ErrorCode.GENERAL,
              "flag '" + flagKey + "': LaunchDarkly served no variation (" + reason + ")");
    }
    Optional<VariantPayload> payload = variants.at(index);
    if (payload.isEmpty()) {
      return Resolution.error(
          flagKey,
          ErrorCode.PARSE_ERROR,
          "flag '" + flagKey + "': LaunchDarkly served variation " + index + ", which it lacks");
    }
    return Resolution.served(payload.get(), openFeatureReason(reason.getKind(), variants));
  }

  private static Reason openFeatureReason(EvaluationReason.Kind kind, FlagVariants variants) {
    return switch (kind) {
      case OFF, PREREQUISITE_FAILED -> Reason.DISABLED;
      case TARGET_MATCH, RULE_MATCH -> Reason.TARGETING_MATCH;
      case FALLTHROUGH -> variants.fallthroughIsRollout() ? Reason.SPLIT : Reason.DEFAULT;
      case ERROR -> Reason.ERROR;
    };
  }

  /** LaunchDarkly's error kinds as OpenFeature error codes, with a message naming the flag. */
  public static Resolution error(String flagKey, EvaluationReason.ErrorKind kind) {
    return switch (kind) {
      case FLAG_NOT_FOUND -> Resolution.notFound(flagKey);
      case MALFORMED_FLAG ->
          Resolution.error(
              flagKey,
              ErrorCode.PARSE_ERROR,
              "flag '" + flagKey + "': LaunchDarkly reports the flag as malformed");
      case WRONG_TYPE ->
          Resolution.error(
              flagKey,
              ErrorCode.TYPE_MISMATCH,
              "flag '" + flagKey + "': the value is not of the requested type");
      case CLIENT_NOT_READY ->
          Resolution.error(
              flagKey,
              ErrorCode.PROVIDER_NOT_READY,
              "flag '" + flagKey + "': the LaunchDarkly client has no flags yet");
      case USER_NOT_SPECIFIED ->
          Resolution.error(
              flagKey,
              ErrorCode.TARGETING_KEY_MISSING,
              "flag '" + flagKey + "': the context has no valid key");
      case EXCEPTION ->
          Resolution.error(
              flagKey,
              ErrorCode.GENERAL,
              "flag '" + flagKey + "': LaunchDarkly failed to evaluate the flag");
    };
  }
}
