package dev.llmrollout.spi;

import dev.openfeature.sdk.MutableStructure;
import dev.openfeature.sdk.Value;
import java.util.Map;

/**
 * An object variant's OpenFeature structure that also knows the {@link VariantPayload} it was made
 * from, so a caller of {@code getObjectDetails} gets the typed variant from the same evaluation
 * (see {@link VariantPayload#servedIn}). It equals any structure with the same attributes.
 */
final class PayloadStructure extends MutableStructure {
  private final VariantPayload payload;

  PayloadStructure(VariantPayload payload, Map<String, Value> attributes) {
    super(attributes);
    this.payload = payload;
  }

  VariantPayload payload() {
    return payload;
  }
}
