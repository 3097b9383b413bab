package dev.llmrollout.spi;

import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.Reason;
import java.util.Objects;

/**
 * What a backend decided for one flag and one evaluation context.
 *
 * <p>A successful resolution carries the served {@link VariantPayload} and a reason. A failed one
 * carries an {@link ErrorCode} and a message naming the flag; it may still carry the variant served
 * (a missing targeting key gets the flag's default variant, never a random split).
 *
 * @param flagKey the flag asked for
 * @param variant the variant served, or null when the caller's default applies
 * @param reason an OpenFeature reason: STATIC, TARGETING_MATCH, SPLIT, DEFAULT, DISABLED, ERROR or
 *     STALE
 * @param errorCode null on success
 * @param errorMessage null on success
 */
public record Resolution(
    String flagKey,
    VariantPayload variant,
    String reason,
    ErrorCode errorCode,
    String errorMessage) {

  public Resolution {
    Objects.requireNonNull(flagKey, "flagKey");
    Objects.requireNonNull(reason, "reason");
  }

  /** The flag served {@code variant} for {@code reason}. */
  public static Resolution served(VariantPayload variant, Reason reason) {
    return new Resolution(variant.flagKey(), variant, reason.name(), null, null);
  }

  /** The flag is switched off: the caller's default applies. */
  public static Resolution disabled(String flagKey) {
    return new Resolution(flagKey, null, Reason.DISABLED.name(), null, null);
  }

  /** No targeting key: the flag's default variant is served, flagged as an error for the caller. */
  public static Resolution targetingKeyMissing(VariantPayload defaultVariant) {
    return new Resolution(
        defaultVariant.flagKey(),
        defaultVariant,
        Reason.DEFAULT.name(),
        ErrorCode.TARGETING_KEY_MISSING,
        "flag '"
            + defaultVariant.flagKey()
            + "' needs a targeting key to split traffic; served its default variant '"
            + defaultVariant.name()
            + "'");
  }

  public static Resolution notFound(String flagKey) {
    return new Resolution(
        flagKey,
        null,
        Reason.ERROR.name(),
        ErrorCode.FLAG_NOT_FOUND,
        "flag '" + flagKey + "' is not defined");
  }

  /** A failure with the caller's default served; the message must name the flag. */
  public static Resolution error(String flagKey, ErrorCode code, String message) {
    return new Resolution(flagKey, null, Reason.ERROR.name(), code, message);
  }

  public boolean isError() {
    return errorCode != null;
  }
}
