package dev.llmrollout.unleash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.unleash.internal.AdminApi;
import dev.llmrollout.unleash.testing.UnleashServerProcess;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Changes flags in the test Unleash server out of band, through its Admin API, as a user in the
 * console would: creates flags, or replaces their strategy, with a flexibleRollout strategy whose
 * variants carry JSON payloads.
 */
final class UnleashFlags {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FEATURES = "/admin/projects/default/features";
  private static final String ENV = "development";

  private final AdminApi admin;
  private final AdminApi client;

  UnleashFlags(UnleashServerProcess server) {
    this.admin = new AdminApi(server.apiUrl(), server.adminToken(), 3, Duration.ofMillis(200));
    this.client = new AdminApi(server.apiUrl(), server.clientToken(), 3, Duration.ofMillis(200));
  }

  /** Creates the flag or replaces its strategy, then turns its environment on. */
  void publish(FlagSpec flag) {
    publish(flag.key(), flag.defaultVariant(), variants(flag));
  }

  /** {@code flag}'s variants as Unleash's strategy variants, weighted as its split says. */
  private static ArrayNode variants(FlagSpec flag) {
    ArrayNode variants = JSON.createArrayNode();
    flag.variants()
        .forEach(
            (name, payload) ->
                variants.add(
                    variant(
                        name,
                        payload.toString(),
                        name.equals(flag.defaultVariant()),
                        flag.weights().getOrDefault(name, 0.0))));
    return variants;
  }

  /** Creates the flag with one variant whose payload is an object that is not a valid variant. */
  void publishMalformed(String flagKey) {
    ArrayNode variants = JSON.createArrayNode();
    variants.add(variant("broken", "{\"temperature\":0.5}", true, 100));
    publish(flagKey, "broken", variants);
  }

  /** Replaces the payload of {@code variant} with {@code payloadJson}, keeping everything else. */
  void editPayload(String flagKey, String variantName, String payloadJson) {
    JsonNode strategy = strategy(flagKey);
    ObjectNode body = strategy.deepCopy();
    body.remove("id");
    for (JsonNode variant : body.withArrayProperty("variants")) {
      if (variantName.equals(variant.path("name").asText())) {
        ((ObjectNode) variant.path("payload")).put("value", payloadJson);
      }
    }
    admin.send(flagKey, "PUT", strategies(flagKey) + "/" + strategy.path("id").asText(), body);
    awaitServedToClients(flagKey);
  }

  /** The flag as Unleash serves it to SDKs polling the whole list (which it caches). */
  JsonNode servedToClients(String key) {
    for (JsonNode feature : client.get(key, "/client/features").path("features")) {
      if (key.equals(feature.path("name").asText())) {
        return feature;
      }
    }
    return JSON.missingNode();
  }

  /** The flag's event log, newest first. */
  JsonNode events(String flagKey) {
    return admin.get(flagKey, "/admin/events/" + flagKey).path("events");
  }

  void publish(String key, String defaultVariant, ArrayNode variants) {
    publish(key, defaultVariant, variants, JSON.createArrayNode());
  }

  /** Publishes a flag whose strategy applies only to contexts matching {@code constraints}. */
  void publishConstrained(FlagSpec flag, String contextName, String... values) {
    ArrayNode constraints = JSON.createArrayNode();
    ObjectNode constraint =
        constraints.addObject().put("contextName", contextName).put("operator", "IN");
    for (String value : values) {
      constraint.withArrayProperty("values").add(value);
    }
    publish(flag.key(), flag.defaultVariant(), variants(flag), constraints);
  }

  private void publish(
      String key, String defaultVariant, ArrayNode variants, ArrayNode constraints) {
    if (!exists(key)) {
      ObjectNode flag = JSON.createObjectNode().put("name", key).put("type", "experiment");
      admin.send(key, "POST", FEATURES, flag);
    }
    ObjectNode strategy =
        JSON.createObjectNode().put("name", "flexibleRollout").put("title", "test");
    strategy.set("constraints", constraints);
    strategy
        .putObject("parameters")
        .put("rollout", "100")
        .put("stickiness", "default")
        .put("groupId", key)
        .put("defaultVariant", defaultVariant);
    strategy.set("variants", variants);
    JsonNode existing = strategyOrNull(key);
    if (existing == null) {
      admin.send(key, "POST", strategies(key), strategy);
    } else {
      admin.send(key, "PUT", strategies(key) + "/" + existing.path("id").asText(), strategy);
    }
    admin.send(key, "POST", FEATURES + "/" + key + "/environments/" + ENV + "/on", null);
    awaitServedToClients(key);
  }

  /**
   * Waits until Unleash's client API serves the flag's strategy as the Admin API stores it: Unleash
   * refreshes what it serves to SDKs shortly after a write, not within it.
   */
  void awaitServedToClients(String key) {
    JsonNode stored = strategy(key).path("variants");
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode served = servedToClients(key);
      if (served.path("enabled").asBoolean(false)
          && served.path("strategies").path(0).path("variants").equals(stored)) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("Unleash did not serve flag " + key + " to clients in 15 s");
  }

  private static ObjectNode variant(String name, String payload, boolean variable, double percent) {
    ObjectNode variant =
        JSON.createObjectNode()
            .put("name", name)
            .put("weight", variable ? 0 : (int) Math.round(percent * 10))
            .put("weightType", variable ? "variable" : "fix")
            .put("stickiness", "default");
    variant.putObject("payload").put("type", "json").put("value", payload);
    return variant;
  }

  private boolean exists(String key) {
    try {
      admin.get(key, FEATURES + "/" + key);
      return true;
    } catch (WriteBackException e) {
      if (e.kind() == WriteBackException.Kind.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  private JsonNode strategy(String key) {
    JsonNode strategy = strategyOrNull(key);
    if (strategy == null) {
      throw new IllegalStateException("flag " + key + " has no strategy");
    }
    return strategy;
  }

  private JsonNode strategyOrNull(String key) {
    JsonNode list = admin.get(key, strategies(key));
    return list.size() == 0 ? null : list.get(0);
  }

  private static String strategies(String key) {
    return FEATURES + "/" + key + "/environments/" + ENV + "/strategies";
  }

  /** The strategy's parameters as the Admin API returns them. */
  JsonNode parameters(String key) {
    return strategy(key).path("parameters");
  }

  Map<String, Integer> weights(String key) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    strategy(key)
        .path("variants")
        .forEach(v -> weights.put(v.path("name").asText(), v.path("weight").asInt()));
    return weights;
  }
}
