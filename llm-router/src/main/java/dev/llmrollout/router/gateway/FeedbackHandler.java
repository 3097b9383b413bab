package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableTrackingEventDetails;

/**
 * {@code POST /v1/feedback} with {@code {"session", "flag", "event", "value"}}: the same path as an
 * application's OpenFeature {@code track()}, attributed to the variant that session was served.
 */
final class FeedbackHandler {
  private final Client client;

  FeedbackHandler(Client client) {
    this.client = client;
  }

  void handle(HttpExchange exchange) {
    JsonNode body = exchange.jsonBody();
    String session = required(body, "session");
    String event = required(body, "event");
    MutableTrackingEventDetails details =
        body.path("value").isNumber()
            ? new MutableTrackingEventDetails(body.get("value").doubleValue())
            : new MutableTrackingEventDetails();
    if (body.path("flag").isTextual()) {
      details.add(LlmFeatureProvider.TRACK_FLAG_FIELD, body.get("flag").asText());
    }
    client.track(event, new ImmutableContext(session), details);
    exchange.sendJson(202, exchange.json().createObjectNode().put("recorded", event));
  }

  private static String required(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new HttpExchange.BadRequest(field + ": expected a non-empty string");
    }
    return value.asText();
  }
}
