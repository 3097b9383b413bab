package dev.llmrollout.variant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 2, point 3: the variant value, our shape and LaunchDarkly AI Configs, with clear errors.
 */
class VariantParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void readsAFullModelVariant() throws Exception {
    LlmVariant variant =
        VariantParser.parse(
            "support-model",
            "canary",
            json(
                "{'model': 'gpt-4o-2024-08-06', 'version': '1.2.0', 'endpoint': 'canary-pool',"
                    + " 'prompt': {'id': 'support', 'version': 7, 'messages': [{'role': 'system',"
                    + " 'content': 'Help {{name}}'}]}, 'parameters': {'temperature': 0.2,"
                    + " 'max_tokens': 512}, 'shadow': {'variant': 'next', 'sampleRate': 0.1}}"));

    assertThat(variant.model()).contains("gpt-4o-2024-08-06");
    assertThat(variant.version()).contains("1.2.0");
    assertThat(variant.endpoint()).contains("canary-pool");
    assertThat(variant.prompt().get().id()).contains("support");
    assertThat(variant.prompt().get().version()).contains("7");
    assertThat(variant.prompt().get().messages())
        .containsExactly(new ChatMessage("system", "Help {{name}}"));
    assertThat(variant.parameters().get("max_tokens").intValue()).isEqualTo(512);
    assertThat(variant.shadow()).contains(new ShadowDirective("next", 0.1));
    assertThat(variant.isPromptOnly()).isFalse();
  }

  @Test
  void aPromptFlagVariantMayCarryOnlyAPrompt() throws Exception {
    LlmVariant variant =
        VariantParser.parse(
            "support-prompt", "v7", json("{'prompt': {'id': 'support', 'version': '7'}}"));
    assertThat(variant.isPromptOnly()).isTrue();
  }

  @Test
  void readsALaunchDarklyAiConfigVariation() throws Exception {
    LlmVariant variant =
        VariantParser.parse(
            "support-ai",
            "v2",
            json(
                "{'_ldMeta': {'enabled': true, 'variationKey': 'v2', 'version': 3, 'mode':"
                    + " 'completion'}, 'model': {'name': 'gpt-4o', 'parameters': {'temperature':"
                    + " 0.2, 'maxTokens': 512}, 'custom': {'version': '2.0.1', 'endpoint':"
                    + " 'openai-pool'}}, 'provider': {'name': 'openai'}, 'messages': [{'role':"
                    + " 'system', 'content': 'You help {{ldctx.key}}'}]}"));

    assertThat(variant.model()).contains("gpt-4o");
    assertThat(variant.version()).contains("2.0.1");
    assertThat(variant.endpoint()).contains("openai-pool");
    assertThat(variant.parameters()).containsKeys("temperature", "max_tokens");
    assertThat(variant.prompt().get().id()).contains("v2");
    assertThat(variant.prompt().get().version()).contains("3");
    assertThat(variant.prompt().get().messages()).hasSize(1);
  }

  @Test
  void anAiConfigWithoutCustomEndpointUsesTheProviderName() throws Exception {
    LlmVariant variant =
        VariantParser.parse(
            "f",
            "v",
            json(
                "{'_ldMeta': {'enabled': true}, 'model': {'name': 'm'}, 'provider': {'name': 'openai'}}"));
    assertThat(variant.endpoint()).contains("openai");
  }

  /**
   * Issue 21: what a backend serving plain JSON object flags reads as a model or prompt variant.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{'model': 'm'} | true",
        "{'prompt': {'id': 'p'}} | true",
        "{'_ldMeta': {'enabled': false}} | true",
        "{'parameters': {}} | false",
        "{} | false",
        "42 | false"
      })
  void aPayloadPresentsItselfAsAModelOrPromptVariantByItsFields(String payload, boolean expected)
      throws Exception {
    assertThat(VariantParser.isModelOrPrompt(json(payload))).isEqualTo(expected);
  }

  @Test
  void aDisabledAiConfigIsRecognised() throws Exception {
    assertThat(VariantParser.isDisabledAiConfig(json("{'_ldMeta': {'enabled': false}}"))).isTrue();
    assertThat(VariantParser.isDisabledAiConfig(json("{'model': 'm'}"))).isFalse();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{'temperature': 0.2} | $.temperature",
        "{'parameters': {}} | a 'model' (a model variant) or a 'prompt'",
        "{'model': ''} | $.model",
        "{'model': 'm', 'version': 'v1'} | $.version: expected a semantic version",
        "{'model': 'm', 'endpoint': 'https://api.example.com/v1'} | $.endpoint: expected the name of an endpoint",
        "{'model': 'm', 'prompt': {'messages': [{'role': 'boss', 'content': 'x'}]}} | $.prompt.messages[0].role",
        "{'model': 'm', 'prompt': {'messages': [{'role': 'user'}]}} | $.prompt.messages[0].content",
        "{'model': 'm', 'prompt': {}} | $.prompt: expected an 'id' or non-empty 'messages'",
        "{'model': 'm', 'parameters': [1]} | $.parameters",
        "{'model': 'm', 'shadow': {'variant': 'x', 'sampleRate': 1.5}} | $.shadow.sampleRate",
        "{'model': 'm', 'shadow': {'sampleRate': 0.5}} | $.shadow.variant",
        "{'_ldMeta': {'enabled': true}, 'model': {}} | $.model.name",
        "[1, 2] | $: expected a JSON object"
      })
  void rejectsBadPayloadsNamingFlagVariantPathAndExpectation(String payload, String expected)
      throws Exception {
    JsonNode node = json(payload);
    assertThatThrownBy(() -> VariantParser.parse("support-model", "canary", node))
        .isInstanceOf(InvalidVariantException.class)
        .hasMessageStartingWith("flag 'support-model' variant 'canary': at ")
        .hasMessageContaining(expected);
  }
}
