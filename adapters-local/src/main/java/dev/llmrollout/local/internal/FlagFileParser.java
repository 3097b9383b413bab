package dev.llmrollout.local.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.spi.VariantPayload;
import dev.llmrollout.variant.InvalidVariantException;
import dev.llmrollout.variant.VariantParser;
import dev.openfeature.sdk.ImmutableMetadata;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a flagd flag-definition file ({@code flags} -> {@code state}, {@code variants}, {@code
 * defaultVariant}, {@code targeting}, {@code metadata}, with {@code $evaluators} references and the
 * file's {@code metadata}) into validated {@link FlagDefinition}s. A document that is not such a
 * file fails as a whole; a single bad flag is kept with its problem so the caller decides what to
 * do with it.
 */
public final class FlagFileParser {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FlagFileParser() {}

  /**
   * Parses a whole file.
   *
   * @throws FlagFileException when the content is not JSON or has no {@code flags} object
   */
  public static Map<String, FlagDefinition> parse(String content, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      throw new FlagFileException(
          source
              + ": not valid JSON at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage());
    }
    if (root == null || !root.isObject() || !root.path("flags").isObject()) {
      throw new FlagFileException(source + ": expected an object with a \"flags\" object");
    }
    JsonNode evaluators = root.path("$evaluators");
    JsonNode fileMetadata = root.get("metadata");
    MetadataBlocks.problem(fileMetadata, "$.metadata")
        .ifPresent(
            problem -> {
              throw new FlagFileException(source + ": " + problem);
            });
    Map<String, FlagDefinition> flags = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.get("flags").properties()) {
      flags.put(e.getKey(), parseFlag(e.getKey(), e.getValue(), evaluators, fileMetadata));
    }
    return flags;
  }

  /** The version of a flag definition: a digest of its JSON, so any edit changes it. */
  public static String versionOf(JsonNode flag) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] hash = digest.digest(flag.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  static FlagDefinition parseFlag(
      String key, JsonNode flag, JsonNode evaluators, JsonNode fileMetadata) {
    try {
      return validFlag(key, flag, evaluators, fileMetadata);
    } catch (InvalidFlagException e) {
      return FlagDefinition.invalid(key, flag, e.getMessage());
    }
  }

  private static FlagDefinition validFlag(
      String key, JsonNode flag, JsonNode evaluators, JsonNode fileMetadata)
      throws InvalidFlagException {
    if (!flag.isObject()) {
      throw new InvalidFlagException(key, "", "an object with state, variants, defaultVariant");
    }
    String state = flag.path("state").asText("");
    if (!state.equals("ENABLED") && !state.equals("DISABLED")) {
      throw new InvalidFlagException(key, ".state", "\"ENABLED\" or \"DISABLED\"");
    }
    Optional<String> badMetadata = MetadataBlocks.problem(flag.get("metadata"), "$.metadata");
    if (badMetadata.isPresent()) {
      throw new InvalidFlagException("flag '" + key + "': " + badMetadata.get());
    }
    Map<String, VariantPayload> variants =
        variants(
            key, flag.get("variants"), MetadataBlocks.merged(fileMetadata, flag.get("metadata")));
    Optional<VariantPayload> defaultVariant =
        defaultVariant(key, flag.get("defaultVariant"), variants);
    Optional<TargetingRule> targeting =
        targeting(key, resolveRefs(key, flag.get("targeting"), evaluators), variants);
    return new FlagDefinition(
        key, flag, state.equals("ENABLED"), variants, defaultVariant, targeting, Optional.empty());
  }

  /**
   * The flag's variants. Its object variants are model or prompt payloads, validated as such, when
   * any of them presents itself as one ({@link VariantParser#isModelOrPrompt}); otherwise they are
   * plain JSON objects, served as they are.
   */
  private static Map<String, VariantPayload> variants(
      String key, JsonNode node, ImmutableMetadata metadata) throws InvalidFlagException {
    if (node == null || !node.isObject() || node.isEmpty()) {
      throw new InvalidFlagException(
          key, ".variants", "a non-empty object of variant name to value");
    }
    boolean modelOrPrompt =
        node.properties().stream().anyMatch(e -> VariantParser.isModelOrPrompt(e.getValue()));
    Map<String, VariantPayload> variants = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      try {
        variants.put(
            e.getKey(),
            VariantPayload.parse(key, e.getKey(), e.getValue(), metadata, modelOrPrompt));
      } catch (InvalidVariantException ex) {
        throw new InvalidFlagException(ex.getMessage());
      }
    }
    return variants;
  }

  private static Optional<VariantPayload> defaultVariant(
      String key, JsonNode node, Map<String, VariantPayload> variants) throws InvalidFlagException {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual() || !variants.containsKey(node.textValue())) {
      throw new InvalidFlagException(
          key, ".defaultVariant", "one of the variants " + variants.keySet());
    }
    return Optional.of(variants.get(node.textValue()));
  }

  private static Optional<TargetingRule> targeting(
      String key, JsonNode node, Map<String, VariantPayload> variants) throws InvalidFlagException {
    if (node == null || node.isNull() || (node.isObject() && node.isEmpty())) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw new InvalidFlagException(key, ".targeting", "a JsonLogic object");
    }
    for (String name : TargetingTree.literalResults(node)) {
      if (!variants.containsKey(name)) {
        throw new InvalidFlagException(
            key,
            ".targeting",
            "variant names defined by the flag "
                + variants.keySet()
                + ", but it names '"
                + name
                + "'");
      }
    }
    for (JsonNode fractional : TargetingTree.fractionals(node)) {
      checkWeights(key, fractional);
    }
    try {
      return Optional.of(TargetingRule.compile(node));
    } catch (InvalidTargetingException e) {
      throw new InvalidFlagException(key, ".targeting" + e.field(), e.expected());
    } catch (IllegalArgumentException e) {
      throw new InvalidFlagException(key, ".targeting", "valid JsonLogic (" + e.getMessage() + ")");
    }
  }

  /**
   * Literal weights must be integers, as flagd requires; a negative one counts as zero and weights
   * that are all zero serve the default variant, as in flagd, where both can come from a rollout's
   * arithmetic.
   */
  private static void checkWeights(String key, JsonNode fractional) throws InvalidFlagException {
    List<JsonNode> buckets = TargetingTree.buckets(fractional);
    if (buckets.isEmpty()) {
      throw new InvalidFlagException(
          key, ".targeting.fractional", "at least one [variant, weight] bucket");
    }
    for (JsonNode bucket : buckets) {
      JsonNode weight = bucket.size() > 1 ? bucket.get(1) : null;
      if (weight != null
          && weight.isNumber()
          && weight.asDouble() != Math.rint(weight.asDouble())) {
        throw new InvalidFlagException(
            key, ".targeting.fractional", "integer weights, found " + weight);
      }
    }
  }

  private static JsonNode resolveRefs(String key, JsonNode node, JsonNode evaluators)
      throws InvalidFlagException {
    if (node == null) {
      return null;
    }
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && node.size() == 1) {
        JsonNode target = evaluators.get(ref.asText());
        if (target == null) {
          throw new InvalidFlagException(
              key,
              ".targeting.$ref",
              "an evaluator defined in $evaluators, found '" + ref.asText() + "'");
        }
        return resolveRefs(key, target.deepCopy(), evaluators);
      }
      ObjectNode copy = JSON.createObjectNode();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        copy.set(e.getKey(), resolveRefs(key, e.getValue(), evaluators));
      }
      return copy;
    }
    if (node.isArray()) {
      var copy = JSON.createArrayNode();
      for (JsonNode child : node) {
        copy.add(resolveRefs(key, child, evaluators));
      }
      return copy;
    }
    return node;
  }

  /** A flag that fails validation; the message names the flag and the field. */
  static final class InvalidFlagException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidFlagException(String key, String field, String expected) {
      super("flag '" + key + "': at $" + field + ": expected " + expected);
    }

    InvalidFlagException(String message) {
      super(message);
    }
  }
}
