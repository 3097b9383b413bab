package dev.llmrollout.unleash.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.spi.VariantPayload;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One Unleash flag as the backend serves it: its variants parsed once when the toggles were
 * fetched, keyed by name and payload text so that the variant the Unleash engine picks is found
 * without parsing.
 *
 * @param key the flag name
 * @param enabled whether the flag is on in the client's environment
 * @param version a digest of the flag's definition, changing whenever the definition does
 * @param definition the feature's JSON as Unleash sent it (or its last good definition)
 * @param variants every variant of every strategy (and the flag's own variants), by {@link
 *     #variantKey}
 * @param defaultVariant served when there is no targeting key; null when the flag has no variants
 * @param split whether the first strategy with variants splits traffic between several of them
 * @param whenOn served when the flag is on and has no variants (a plain on/off toggle)
 * @param error why the flag cannot be served (a payload that is not a valid variant), or null
 */
public record CatalogFlag(
    String key,
    boolean enabled,
    String version,
    JsonNode definition,
    Map<CatalogFlag.VariantKey, VariantPayload> variants,
    VariantPayload defaultVariant,
    boolean split,
    VariantPayload whenOn,
    String error) {

  public CatalogFlag {
    variants = Collections.unmodifiableMap(new LinkedHashMap<>(variants));
  }

  /** A flag whose payloads could not be parsed; resolving it is a PARSE_ERROR. */
  static CatalogFlag broken(String key, boolean enabled, String version, JsonNode def, String why) {
    return new CatalogFlag(key, enabled, version, def, Map.of(), null, false, null, why);
  }

  /**
   * The lookup key of a variant: its name and its payload's text (null when it has none). A record
   * rather than a joined string, so a lookup does not copy the payload text on every evaluation.
   */
  public record VariantKey(String name, String payloadText) {}

  /** The lookup key of a variant. */
  public static VariantKey variantKey(String name, String payloadText) {
    return new VariantKey(name, payloadText == null ? "" : payloadText);
  }

  /** The variant the engine picked, by name and payload text. */
  public Optional<VariantPayload> variant(String name, String payloadText) {
    return Optional.ofNullable(variants.get(variantKey(name, payloadText)));
  }

  /** The first variant called {@code name}, for shadow calls and diagnostics. */
  public Optional<VariantPayload> variantNamed(String name) {
    return variants.values().stream().filter(v -> v.name().equals(name)).findFirst();
  }

  public boolean broken() {
    return error != null;
  }
}
