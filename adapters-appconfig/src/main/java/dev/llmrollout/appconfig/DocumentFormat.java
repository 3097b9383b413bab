package dev.llmrollout.appconfig;

/**
 * How the flags are written in the AppConfig configuration profile.
 *
 * <p>{@link #FEATURE_FLAGS} is a profile of type {@code AWS.AppConfig.FeatureFlags}: each flag
 * keeps its variants in a string attribute {@code variants} (a JSON object, variant name to
 * payload), its split in {@code weights} (a JSON object, variant name to percent) and optionally
 * {@code defaultVariant}. {@link #FLAGD} is a freeform JSON profile in the local backend's flagd
 * format. {@link #AUTO} tells them apart by shape: a top-level {@code flags} object of flag
 * definitions is flagd.
 */
public enum DocumentFormat {
  FEATURE_FLAGS,
  FLAGD,
  AUTO
}
