package dev.llmrollout.launchdarkly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.launchdarkly.fake.FakeFlag;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, points 1 and 4: LaunchDarkly targeting (beta users, organisations, regions, individual
 * targets) through OpenFeature contexts, including multi-kind contexts; reasons mapped to
 * OpenFeature's; readable variant names.
 */
class TargetingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FLAG = "support-model";
  private static final Value NO_VALUE = new Value("caller-default");

  private LocalLaunchDarklyHarness harness;
  private OpenFeatureAPI api;

  @BeforeEach
  void open() throws Exception {
    harness = new LocalLaunchDarklyHarness();
    api = OpenFeatureAPI.createIsolated();
  }

  @AfterEach
  void close() throws Exception {
    api.shutdown();
    harness.close();
  }

  @Test
  void betaUsersOrganisationsAndRegionsGetTheirVariantsByRule() {
    publishTargetedFlag(true);
    Client client = client(harness.newBackend());

    assertServed(
        client,
        new ImmutableContext("u1", Map.of("beta", new Value(true))),
        "canary",
        "TARGETING_MATCH");
    assertServed(
        client,
        new ImmutableContext("u2", Map.of("region", new Value("eu"))),
        "eu-model",
        "TARGETING_MATCH");
    assertServed(
        client,
        new ImmutableContext("acme", Map.of("kind", new Value("organization"))),
        "canary",
        "TARGETING_MATCH");
    assertServed(client, new ImmutableContext("vip-1"), "canary", "TARGETING_MATCH");
    assertServed(
        client, new ImmutableContext("u3", Map.of("region", new Value("us"))), "stable", "DEFAULT");
  }

  @Test
  void multiKindContextMatchesAnOrganisationRuleForAUserOfThatOrganisation() {
    publishTargetedFlag(true);
    Client client = client(harness.newBackend());
    Map<String, Value> attributes = new LinkedHashMap<>();
    attributes.put("kind", new Value("multi"));
    attributes.put("user", structure(Map.of("key", new Value("u9"), "tier", new Value("free"))));
    attributes.put("organization", structure(Map.of("key", new Value("acme"))));

    assertServed(client, new ImmutableContext(attributes), "canary", "TARGETING_MATCH");

    attributes.put("organization", structure(Map.of("key", new Value("globex"))));
    assertServed(client, new ImmutableContext(attributes), "stable", "DEFAULT");
  }

  @Test
  void aFlagSwitchedOffServesItsOffVariationAsDisabled() {
    publishTargetedFlag(false);
    Client client = client(harness.newBackend());
    assertServed(
        client, new ImmutableContext("u1", Map.of("beta", new Value(true))), "stable", "DISABLED");
  }

  @Test
  void flagMetadataCarriesTheModelAndTheLaunchDarklyFlagVersion() {
    FakeFlag published = publishTargetedFlag(true);
    Client client = client(harness.newBackend());
    FlagEvaluationDetails<Value> details =
        client.getObjectDetails(
            FLAG, NO_VALUE, new ImmutableContext("u1", Map.of("beta", new Value(true))));
    assertThat(details.getFlagMetadata().getString("model")).isEqualTo("model-canary");
    assertThat(details.getFlagMetadata().getString("version"))
        .isEqualTo(Integer.toString(published.version()));
    assertThat(details.getValue().asStructure().getValue("endpoint").asString())
        .isEqualTo("canary-pool");
  }

  @Test
  void withoutRestNamesVariationsAreNamedByAiConfigKeyElseByIndex() {
    Map<String, JsonNode> variants = new LinkedHashMap<>();
    variants.put("", FlagSpec.payload("model-a", "1.0.0", "pool-a"));
    ObjectNode aiConfig = JSON.createObjectNode();
    aiConfig
        .putObject("_ldMeta")
        .put("enabled", true)
        .put("variationKey", "concise-v2")
        .put("version", 3);
    aiConfig.putObject("model").put("name", "gpt-4o").putObject("parameters").put("maxTokens", 256);
    aiConfig.putObject("provider").put("name", "openai");
    aiConfig.putArray("messages").addObject().put("role", "system").put("content", "Be brief.");
    variants.put(" ", aiConfig);
    harness.server.publish(FakeFlag.rollout(FLAG, variants, "", Map.of("", 0, " ", 100_000)));
    Client client =
        client(harness.backendBuilder().variationNames(VariationNameSource.NONE).build());

    FlagEvaluationDetails<Value> details =
        client.getObjectDetails(FLAG, NO_VALUE, new ImmutableContext("u1"));

    assertThat(details.getVariant()).isEqualTo("concise-v2");
    assertThat(details.getReason()).isEqualTo("SPLIT");
    assertThat(details.getFlagMetadata().getString("model")).isEqualTo("gpt-4o");
    assertThat(details.getFlagMetadata().getString("promptVersion")).isEqualTo("3");
    assertThat(client.getObjectDetails(FLAG, NO_VALUE, new ImmutableContext()).getVariant())
        .isEqualTo("0");
  }

  private Client client(LaunchDarklyBackend backend) {
    api.setProviderAndWait(LlmFeatureProvider.builder(backend).build());
    return api.getClient();
  }

  private static void assertServed(
      Client client, ImmutableContext context, String variant, String reason) {
    FlagEvaluationDetails<Value> details = client.getObjectDetails(FLAG, NO_VALUE, context);
    assertThat(details.getErrorMessage()).isNull();
    assertThat(details.getVariant()).as("variant for %s", context.asMap()).isEqualTo(variant);
    assertThat(details.getReason()).as("reason for %s", context.asMap()).isEqualTo(reason);
  }

  private static Value structure(Map<String, Value> fields) {
    return new Value(new ImmutableStructure(fields));
  }

  /**
   * Stable by default, canary for beta users, organisation acme and user vip-1, eu-model in the EU.
   */
  private FakeFlag publishTargetedFlag(boolean on) {
    Map<String, JsonNode> variants = new LinkedHashMap<>();
    variants.put("stable", FlagSpec.payload("model-stable", "1.1.0", "stable-pool"));
    variants.put("canary", FlagSpec.payload("model-canary", "1.2.0", "canary-pool"));
    variants.put("eu-model", FlagSpec.payload("model-eu", "1.1.0", "eu-pool"));
    FakeFlag flag = FakeFlag.rollout(FLAG, variants, "stable", Map.of("stable", 100_000));
    ObjectNode targeting = flag.targeting();
    targeting.put("on", on);
    targeting.putObject("fallthrough").put("variation", 0);
    targeting.putArray("targets").addObject().put("variation", 1).putArray("values").add("vip-1");
    ArrayNode rules = targeting.putArray("rules");
    rule(rules, "beta-users", "user", "beta", JSON.getNodeFactory().booleanNode(true), 1);
    rule(rules, "org-acme", "organization", "key", JSON.getNodeFactory().textNode("acme"), 1);
    rule(rules, "region-eu", "user", "region", JSON.getNodeFactory().textNode("eu"), 2);
    return harness.server.publish(flag.withTargeting(targeting));
  }

  private static void rule(
      ArrayNode rules, String id, String kind, String attribute, JsonNode value, int variation) {
    ObjectNode rule = rules.addObject();
    rule.put("id", id);
    ObjectNode clause = rule.putArray("clauses").addObject();
    clause.put("contextKind", kind);
    clause.put("attribute", attribute);
    clause.put("op", "in");
    clause.putArray("values").add(value);
    clause.put("negate", false);
    rule.put("variation", variation);
    rule.put("trackEvents", false);
  }
}
