package dev.llmrollout.launchdarkly.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rollout weights in LaunchDarkly's units, and readable variation names. */
class RolloutUnitsAndNamingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void percentagesBecomeUnitsThatAlwaysSumToOneHundredThousand() {
    Map<String, Double> thirds = new LinkedHashMap<>();
    thirds.put("a", 100 / 3.0);
    thirds.put("b", 100 / 3.0);
    thirds.put("c", 100 / 3.0);
    Map<String, Integer> units = RolloutUnits.of(thirds);
    assertThat(units.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100_000);
    assertThat(units.values()).allSatisfy(u -> assertThat(u).isBetween(33_333, 33_334));
    assertThat(RolloutUnits.of(Map.of("a", 95.0, "b", 5.0)))
        .isEqualTo(Map.of("a", 95_000, "b", 5_000));
  }

  @Test
  void namesComeFromRestThenAiConfigKeyThenIndex() throws Exception {
    List<JsonNode> values =
        List.of(
            JSON.readTree("{\"model\":\"a\"}"),
            JSON.readTree("{\"_ldMeta\":{\"variationKey\":\"concise\"}}"),
            JSON.readTree("{\"model\":\"c\"}"));
    assertThat(VariationNaming.names(values, Optional.of(List.of("stable", "", ""))))
        .containsExactly("stable", "concise", "2");
    assertThat(VariationNaming.names(values, Optional.empty()))
        .containsExactly("0", "concise", "2");
  }

  @Test
  void duplicateNamesFallBackToIndexesSoANameAlwaysPicksOneVariation() throws Exception {
    List<JsonNode> values = List.of(JSON.readTree("1"), JSON.readTree("2"));
    assertThat(VariationNaming.names(values, Optional.of(List.of("same", "same"))))
        .containsExactly("0", "1");
  }
}
