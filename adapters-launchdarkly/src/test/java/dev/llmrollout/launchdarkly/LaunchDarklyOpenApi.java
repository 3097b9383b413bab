package dev.llmrollout.launchdarkly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pieces of LaunchDarkly's published OpenAPI document the local LaunchDarkly is checked against
 * ({@code src/test/resources/launchdarkly-openapi/openapi-excerpt.json}, vendored with its source
 * commit and licence by {@code extract_excerpt.py}): documented statuses per operation, example
 * error codes, and the schemas, validated as JSON Schema.
 */
final class LaunchDarklyOpenApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JsonNode excerpt;
  private final JsonSchemaFactory factory =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

  LaunchDarklyOpenApi() {
    try (InputStream in =
        getClass().getResourceAsStream("/launchdarkly-openapi/openapi-excerpt.json")) {
      excerpt = JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The schema an operation documents for {@code status}, if it documents the status. */
  Optional<String> responseSchema(String operationId, int status) {
    JsonNode schema =
        excerpt.path("operations").path(operationId).path("responses").path(String.valueOf(status));
    return schema.isTextual() ? Optional.of(schema.asText()) : Optional.empty();
  }

  /** The operation's query parameters, as documented. */
  Set<String> queryParameters(String operationId) {
    Set<String> names = new TreeSet<>();
    excerpt.path("operations").path(operationId).path("query").forEach(n -> names.add(n.asText()));
    return names;
  }

  JsonNode requestExample(String operationId) {
    return excerpt.path("operations").path(operationId).path("requestExample");
  }

  String requestSchema(String operationId) {
    return excerpt.path("operations").path(operationId).path("requestSchema").asText();
  }

  /** The {@code code} of the documented example of an error schema. */
  String exampleCode(String errorSchema) {
    return excerpt.path("errorExamples").path(errorSchema).path("code").asText();
  }

  /** Where {@code body} breaks {@code schemaName}; empty when it conforms. */
  Set<String> violations(String schemaName, JsonNode body) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$ref", "#/definitions/" + schemaName);
    root.set("definitions", excerpt.path("definitions"));
    JsonSchema schema = factory.getSchema(root);
    Set<String> messages = new TreeSet<>();
    for (ValidationMessage message : schema.validate(body)) {
      messages.add(message.getMessage());
    }
    return messages;
  }

  String source() {
    JsonNode source = excerpt.path("source");
    return source.path("repository").asText()
        + " "
        + source.path("path").asText()
        + " @ "
        + source.path("commit").asText();
  }
}
