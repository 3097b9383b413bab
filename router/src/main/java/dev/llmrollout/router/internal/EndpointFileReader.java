package dev.llmrollout.router.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.router.EndpointConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads {@code endpoints.json}. Every rejection names the endpoint and the field; an API key's
 * value never appears in a message, only the name of its environment variable.
 */
public final class EndpointFileReader {
  private static final Set<String> ENDPOINT_FIELDS =
      Set.of("baseUrl", "apiKeyEnv", "timeoutMs", "maxConcurrency", "prices");
  private static final Set<String> PRICE_FIELDS = Set.of("inputPerMillion", "outputPerMillion");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final long DEFAULT_TIMEOUT_MS = 30_000;
  private static final int DEFAULT_MAX_CONCURRENCY = 256;

  private final ObjectMapper json;
  private final Function<String, String> environment;

  public EndpointFileReader(ObjectMapper json, Function<String, String> environment) {
    this.json = json;
    this.environment = environment;
  }

  /** Parses the file's text; {@code source} names the file in error messages. */
  public Map<String, Endpoint> read(String text, String source) {
    JsonNode root;
    try {
      root = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new EndpointConfigException(
          source + ": expected a JSON document {\"endpoints\": {...}}: " + e.getOriginalMessage());
    }
    JsonNode endpoints = root == null ? null : root.get("endpoints");
    if (endpoints == null || !endpoints.isObject()) {
      throw new EndpointConfigException(
          source + ": at $.endpoints: expected an object of endpoint name to settings");
    }
    Map<String, Endpoint> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : endpoints.properties()) {
      result.put(entry.getKey(), endpoint(source, entry.getKey(), entry.getValue()));
    }
    return result;
  }

  private Endpoint endpoint(String source, String name, JsonNode node) {
    String at = source + ": endpoint '" + name + "'";
    if (!node.isObject()) {
      throw new EndpointConfigException(at + ": expected an object with baseUrl");
    }
    node.fieldNames()
        .forEachRemaining(
            field -> {
              if (!ENDPOINT_FIELDS.contains(field)) {
                throw new EndpointConfigException(
                    at + ": unknown field '" + field + "', expected one of " + ENDPOINT_FIELDS);
              }
            });
    URI baseUri = baseUri(at, node.get("baseUrl"));
    String token = apiKey(at, node.get("apiKeyEnv"));
    long timeoutMs = positive(at, node, "timeoutMs", DEFAULT_TIMEOUT_MS);
    long maxConcurrency = positive(at, node, "maxConcurrency", DEFAULT_MAX_CONCURRENCY);
    if (maxConcurrency > Integer.MAX_VALUE) {
      throw new EndpointConfigException(at + ": field 'maxConcurrency': expected at most 2^31-1");
    }
    return new Endpoint(
        name,
        baseUri,
        token,
        Duration.ofMillis(timeoutMs),
        (int) maxConcurrency,
        prices(at, node.get("prices")));
  }

  private static URI baseUri(String at, JsonNode node) {
    String expected = "expected an absolute http(s) URL such as \"http://127.0.0.1:9001\"";
    if (node == null || !node.isTextual()) {
      throw new EndpointConfigException(at + ": field 'baseUrl': " + expected);
    }
    try {
      URI uri = new URI(node.asText());
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawUserInfo() != null) {
        throw new EndpointConfigException(at + ": field 'baseUrl': " + expected);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new EndpointConfigException(at + ": field 'baseUrl': " + expected, e);
    }
  }

  private String apiKey(String at, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual() || !ENV_NAME.matcher(node.asText()).matches()) {
      throw new EndpointConfigException(
          at + ": field 'apiKeyEnv': expected the name of an environment variable");
    }
    String value = environment.apply(node.asText());
    if (value == null || value.isBlank()) {
      throw new EndpointConfigException(
          at + ": environment variable " + node.asText() + " (apiKeyEnv) is not set");
    }
    String token = value.strip();
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new EndpointConfigException(
          at
              + ": environment variable "
              + node.asText()
              + " (apiKeyEnv) holds characters a bearer token cannot carry"
              + " (expected visible ASCII without spaces)");
    }
    return token;
  }

  private static long positive(String at, JsonNode node, String field, long defaultValue) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return defaultValue;
    }
    if (!value.isIntegralNumber() || value.asLong() < 1) {
      throw new EndpointConfigException(
          at + ": field '" + field + "': expected a positive integer");
    }
    return value.asLong();
  }

  private static Map<String, ModelPrice> prices(String at, JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new EndpointConfigException(
          at
              + ": field 'prices': expected an object of model id to"
              + " {\"inputPerMillion\": ..., \"outputPerMillion\": ...}");
    }
    Map<String, ModelPrice> prices = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String priceAt = at + ": field 'prices." + entry.getKey() + "'";
      JsonNode price = entry.getValue();
      if (!price.isObject()) {
        throw new EndpointConfigException(priceAt + ": expected an object");
      }
      price
          .fieldNames()
          .forEachRemaining(
              field -> {
                if (!PRICE_FIELDS.contains(field)) {
                  throw new EndpointConfigException(
                      priceAt + ": unknown field '" + field + "', expected " + PRICE_FIELDS);
                }
              });
      prices.put(
          entry.getKey(),
          new ModelPrice(
              dollars(priceAt, price, "inputPerMillion"),
              dollars(priceAt, price, "outputPerMillion")));
    }
    return prices;
  }

  private static double dollars(String at, JsonNode price, String field) {
    JsonNode value = price.get(field);
    if (value == null || !value.isNumber() || value.asDouble() < 0) {
      throw new EndpointConfigException(
          at + ": field '" + field + "': expected a non-negative number of US dollars");
    }
    return value.asDouble();
  }
}
