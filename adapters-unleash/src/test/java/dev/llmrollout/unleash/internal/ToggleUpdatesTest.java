package dev.llmrollout.unleash.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Issue 6, point 1: payloads parsed once per fetch; malformed updates rejected per flag. */
class ToggleUpdatesTest {
  private static final String GOOD = "{\\\"model\\\":\\\"m-1\\\",\\\"endpoint\\\":\\\"pool\\\"}";
  private static final String NEW_GOOD = "{\\\"model\\\":\\\"m-2\\\"}";
  private static final String NOT_A_VARIANT = "{\\\"temperature\\\":0.5}";
  private static final String NOT_JSON = "{model:";

  @Test
  void everyStrategyVariantIsParsedOnceAndFoundByNameAndPayloadText() {
    FlagCatalog catalog =
        ToggleUpdates.apply(features(flag("llm", GOOD, true)), FlagCatalog.EMPTY).catalog();

    CatalogFlag flag = catalog.flag("llm").orElseThrow();
    assertThat(flag.broken()).isFalse();
    assertThat(flag.split()).isTrue();
    assertThat(flag.defaultVariant().name()).isEqualTo("stable");
    assertThat(
            flag.variant("canary", "{\"model\":\"m-1\",\"endpoint\":\"pool\"}").orElseThrow().llm())
        .hasValueSatisfying(v -> assertThat(v.model()).contains("m-1"));
    assertThat(flag.variantNamed("stable").orElseThrow().metadata().getString("version"))
        .isEqualTo(flag.version());
  }

  @Test
  void aMalformedUpdateOfAGoodFlagPutsItsLastGoodDefinitionBack() {
    ToggleUpdates.Update first =
        ToggleUpdates.apply(features(flag("llm", GOOD, true)), FlagCatalog.EMPTY);

    ToggleUpdates.Update bad =
        ToggleUpdates.apply(features(flag("llm", NOT_A_VARIANT, true)), first.catalog());

    assertThat(bad.rewritten()).isTrue();
    assertThat(bad.rejections()).singleElement().asString().contains("llm", "canary", "last good");
    assertThat(bad.changed()).isEmpty();
    assertThat(bad.servedJson()).contains("m-1").doesNotContain("temperature");
    assertThat(bad.catalog().flag("llm").orElseThrow().version())
        .isEqualTo(first.catalog().flag("llm").orElseThrow().version());
  }

  @Test
  void aFlagThatNeverHadAGoodDefinitionIsBrokenWithAMessageNamingIt() {
    ToggleUpdates.Update update =
        ToggleUpdates.apply(features(flag("new", NOT_JSON, true)), FlagCatalog.EMPTY);

    CatalogFlag flag = update.catalog().flag("new").orElseThrow();
    assertThat(flag.broken()).isTrue();
    assertThat(flag.error()).contains("new", "canary", "JSON");
    assertThat(update.rewritten()).isFalse();
  }

  @Test
  void changedKeysNameFlagsThatChangedAppearedOrDisappeared() {
    FlagCatalog before =
        ToggleUpdates.apply(
                features(flag("a", GOOD, true), flag("b", GOOD, true)), FlagCatalog.EMPTY)
            .catalog();

    ToggleUpdates.Update update =
        ToggleUpdates.apply(features(flag("a", GOOD, true), flag("c", NEW_GOOD, false)), before);

    assertThat(update.changed()).containsExactlyInAnyOrder("b", "c");
    assertThat(update.catalog().flag("c").orElseThrow().enabled()).isFalse();
  }

  @Test
  void anUnchangedFlagKeepsTheVariantsParsedForItsDefinition() {
    FlagCatalog before =
        ToggleUpdates.apply(features(flag("a", GOOD, true)), FlagCatalog.EMPTY).catalog();

    FlagCatalog after =
        ToggleUpdates.apply(features(flag("a", GOOD, true), flag("b", GOOD, true)), before)
            .catalog();

    assertThat(after.flag("a").orElseThrow()).isSameAs(before.flag("a").orElseThrow());
  }

  @Test
  void anAnswerThatIsNotClientFeaturesJsonIsRefusedWhole() {
    assertThatThrownBy(() -> ToggleUpdates.apply("<html>", FlagCatalog.EMPTY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> ToggleUpdates.apply("{\"flags\":[]}", FlagCatalog.EMPTY))
        .hasMessageContaining("features");
  }

  private static String features(String... flags) {
    return "{\"version\":2,\"features\":[" + String.join(",", flags) + "]}";
  }

  private static String flag(String name, String canaryPayload, boolean enabled) {
    return "{\"name\":\""
        + name
        + "\",\"enabled\":"
        + enabled
        + ",\"strategies\":[{\"name\":\"flexibleRollout\",\"parameters\":{\"rollout\":\"100\"},"
        + "\"variants\":["
        + "{\"name\":\"canary\",\"weight\":100,\"weightType\":\"fix\",\"payload\":{\"type\":\"json\",\"value\":\""
        + canaryPayload
        + "\"}},"
        + "{\"name\":\"stable\",\"weight\":900,\"weightType\":\"variable\",\"payload\":{\"type\":\"json\",\"value\":\"{\\\"model\\\":\\\"m-0\\\"}\"}}"
        + "]}],\"variants\":[]}";
  }
}
