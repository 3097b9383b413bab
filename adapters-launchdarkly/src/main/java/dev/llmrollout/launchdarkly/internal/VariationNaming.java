package dev.llmrollout.launchdarkly.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Gives every variation of a flag a stable, readable name: the variation's {@code name} from the
 * REST API when it has one, else an AI Config's {@code _ldMeta.variationKey}, else its index as
 * text. The SDK's flag data carries values only, which is why names come from the REST API.
 *
 * <p>When two variations would share a name, every variation of the flag is named by its index so
 * that a name always picks exactly one variation.
 */
public final class VariationNaming {
  private VariationNaming() {}

  /**
   * Names the variations.
   *
   * @param values the variation values in index order
   * @param restNames the REST API's names in index order, when known (blank entries have no name)
   */
  public static List<String> names(List<JsonNode> values, Optional<List<String>> restNames) {
    List<String> names = new ArrayList<>(values.size());
    boolean restUsable = restNames.isPresent() && restNames.get().size() == values.size();
    for (int i = 0; i < values.size(); i++) {
      String rest = restUsable ? restNames.get().get(i) : null;
      if (rest != null && !rest.isBlank()) {
        names.add(rest);
        continue;
      }
      JsonNode key = values.get(i).path("_ldMeta").path("variationKey");
      names.add(key.isTextual() && !key.asText().isBlank() ? key.asText() : Integer.toString(i));
    }
    Set<String> distinct = new HashSet<>(names);
    if (distinct.size() == names.size()) {
      return List.copyOf(names);
    }
    List<String> indexes = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      indexes.add(Integer.toString(i));
    }
    return List.copyOf(indexes);
  }
}
