package dev.llmrollout.appconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.appconfig.internal.ConfigurationReader;
import dev.llmrollout.appconfig.internal.FlagDefinition;
import dev.llmrollout.appconfig.internal.MalformedConfigurationException;
import dev.openfeature.sdk.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 8, point 1: both document formats, and messages that name the flag and the field. */
class ConfigurationReaderTest {

  private static Map<String, FlagDefinition> read(String json, DocumentFormat format)
      throws MalformedConfigurationException {
    return ConfigurationReader.read(json.getBytes(StandardCharsets.UTF_8), format, "v7");
  }

  @Test
  void featureFlagsRetrievalFormWithVariantsAndWeightsInAttributes() throws Exception {
    Map<String, FlagDefinition> flags =
        read(
            """
            {"support-model":{"enabled":true,"defaultVariant":"stable",
              "variants":"{\\"stable\\":{\\"model\\":\\"m1\\"},\\"canary\\":{\\"model\\":\\"m2\\"}}",
              "weights":"{\\"stable\\":0,\\"canary\\":100}"},
             "dark-launch":{"enabled":false}}
            """,
            DocumentFormat.AUTO);

    assertThat(flags.get("support-model").resolve("u1").variant().name()).isEqualTo("canary");
    assertThat(flags.get("support-model").resolve("u1").variant().metadata().getString("version"))
        .isEqualTo("v7");
    assertThat(flags.get("support-model").resolve(null).variant().name()).isEqualTo("stable");
    assertThat(flags.get("dark-launch").resolve("u1").reason()).isEqualTo("DISABLED");
  }

  @Test
  void flagdFormWithAFractionalSplitIsDetected() throws Exception {
    Map<String, FlagDefinition> flags =
        read(
            """
            {"flags":{"support-model":{"state":"ENABLED","defaultVariant":"stable",
              "variants":{"stable":{"model":"m1"},"canary":{"model":"m2"}},
              "targeting":{"fractional":[["stable",0],["canary",1]]}}}}
            """,
            DocumentFormat.AUTO);
    assertThat(flags.get("support-model").resolve("u1").variant().name()).isEqualTo("canary");
  }

  @Test
  void aFlagdRuleOtherThanFractionalIsABrokenFlagSayingWhatIsSupported() throws Exception {
    FlagDefinition flag =
        read(
                """
                {"flags":{"support-model":{"state":"ENABLED","defaultVariant":"stable",
                  "variants":{"stable":{"model":"m1"}},
                  "targeting":{"if":[{"==":[{"var":"tier"},"gold"]},"stable",null]}}}}
                """,
                DocumentFormat.FLAGD)
            .get("support-model");
    assertThat(flag.resolve("u1").errorCode()).isEqualTo(ErrorCode.PARSE_ERROR);
    assertThat(flag.error()).contains("support-model", "targeting", "fractional");
  }

  @Test
  void badWeightsAndDefaultsNameTheFlagAndTheField() throws Exception {
    Map<String, FlagDefinition> flags =
        read(
            """
            {"a-flag":{"enabled":true,"variants":"{\\"x\\":{\\"model\\":\\"m\\"}}",
                       "weights":"{\\"x\\":\\"half\\"}"},
             "b-flag":{"enabled":true,"variants":"{\\"x\\":{\\"model\\":\\"m\\"}}",
                       "defaultVariant":"y"},
             "c-flag":{"enabled":"yes"}}
            """,
            DocumentFormat.FEATURE_FLAGS);
    assertThat(flags.get("a-flag").error()).contains("a-flag", "weights.x", "number");
    assertThat(flags.get("b-flag").error()).contains("b-flag", "defaultVariant", "'y'");
    assertThat(flags.get("c-flag").error()).contains("c-flag", "enabled", "boolean");
  }

  @Test
  void aDocumentThatIsNotAnObjectOrIsTheStoredFormIsRejectedWhole() {
    assertThatThrownBy(() -> read("[1,2]", DocumentFormat.AUTO))
        .hasMessageContaining("expected a JSON object");
    assertThatThrownBy(
            () -> read("{\"version\":\"1\",\"flags\":{},\"values\":{}}", DocumentFormat.AUTO))
        .hasMessageContaining("stored form");
  }
}
