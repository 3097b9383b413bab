package dev.llmrollout.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.provider.LlmFeatureProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21, point 2: flag metadata blocks reach the evaluation (the file's block merged under the
 * flag's, as flagd does), and one file holds plain JSON object flags next to model flags, whose
 * payloads are still validated.
 */
class MetadataAndObjectFlagsTest {
  private static final String FLAGS =
      """
      {"metadata": {"team": "platform", "tier": 1},
       "flags": {
        "support-model": {"state": "ENABLED",
          "variants": {"stable": {"model": "m-stable", "version": "1.1.0", "endpoint": "stable-pool"}},
          "defaultVariant": "stable",
          "metadata": {"owner": "ml-team", "tier": 2, "ratio": 0.25, "paging": true, "model": "x"}},
        "ui-layout": {"state": "ENABLED",
          "variants": {"compact": {"columns": 2, "theme": {"dark": true}}, "none": {}},
          "defaultVariant": "compact"},
        "mixed": {"state": "ENABLED",
          "variants": {"model": {"model": "m"}, "settings": {"temperature": 0.2}},
          "defaultVariant": "model"},
        "bad-metadata": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on",
          "metadata": {"owners": ["a", "b"]}}
      }}
      """;

  @TempDir Path dir;
  private OpenFeatureAPI api;
  private LlmFeatureProvider provider;
  private Client client;

  @BeforeEach
  void start() throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(file, FLAGS);
    api = OpenFeatureAPI.createIsolated();
    provider = LlmFeatureProvider.builder(LocalFileBackend.watching(file)).build();
    api.setProviderAndWait(provider);
    client = api.getClient();
  }

  @AfterEach
  void stop() {
    api.shutdown();
  }

  private FlagEvaluationDetails<Value> object(String flag) {
    return client.getObjectDetails(flag, new Value("fallback"), new ImmutableContext("user-1"));
  }

  @Test
  void theFlagsMetadataWinsOverTheFilesAndTheServedModelOverBoth() {
    Map<String, Object> metadata = object("support-model").getFlagMetadata().asUnmodifiableMap();
    assertThat(metadata)
        .containsEntry("team", "platform")
        .containsEntry("owner", "ml-team")
        .containsEntry("tier", 2)
        .containsEntry("ratio", 0.25)
        .containsEntry("paging", true)
        .containsEntry("model", "m-stable")
        .containsEntry("modelVersion", "1.1.0")
        .containsEntry("endpoint", "stable-pool")
        .doesNotContainKey("version");
  }

  @Test
  void aPlainObjectFlagIsServedAsItsJson() {
    FlagEvaluationDetails<Value> layout = object("ui-layout");
    assertThat(layout.getErrorCode()).isNull();
    assertThat(layout.getValue().asStructure().asObjectMap())
        .isEqualTo(Map.of("columns", 2, "theme", Map.of("dark", true)));
    assertThat(layout.getFlagMetadata().asUnmodifiableMap())
        .isEqualTo(Map.of("team", "platform", "tier", 1));
  }

  @Test
  void aPlainObjectFlagIsNoModelVariant() {
    assertThat(provider.variant("ui-layout", "compact").orElseThrow().llm()).isEmpty();
  }

  @Test
  void aFlagWithAModelVariantHasEveryObjectVariantValidatedAsOne() {
    FlagEvaluationDetails<Value> mixed = object("mixed");
    assertThat(mixed.getErrorCode()).isEqualTo(ErrorCode.PARSE_ERROR);
    assertThat(mixed.getErrorMessage())
        .contains("flag 'mixed' variant 'settings': at $.temperature: expected one of the fields");
  }

  @Test
  void metadataThatIsNotAStringNumberOrBooleanIsRejectedNamingTheField() {
    FlagEvaluationDetails<Boolean> bad =
        client.getBooleanDetails("bad-metadata", false, new ImmutableContext("user-1"));
    assertThat(bad.getErrorCode()).isEqualTo(ErrorCode.PARSE_ERROR);
    assertThat(bad.getErrorMessage())
        .contains(
            "flag 'bad-metadata': at $.metadata.owners: expected a string, number or boolean,"
                + " found [\"a\",\"b\"]");
  }
}
