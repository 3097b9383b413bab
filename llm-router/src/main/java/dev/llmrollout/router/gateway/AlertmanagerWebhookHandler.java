package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RolloutRefusedException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /hooks/alertmanager}: Alertmanager's webhook (payload version 4, Alertmanager 0.25)
 * as a rollback trigger. Every firing alert labelled {@code action="rollback"} rolls back the
 * running rollout of the flag in its {@code feature_flag_key} (or {@code flag}) label, through the
 * same kill, verification and audit as a manual abort, the reason naming the alert. An alert is
 * acted on once per {@code fingerprint} + {@code startsAt} (Alertmanager resends firing alerts).
 * Needs {@code Authorization: Bearer <LLM_ROUTER_ALERTMANAGER_TOKEN>}: 401 without it. Answers 200
 * with what was done per alert (Alertmanager retries only 5xx).
 */
final class AlertmanagerWebhookHandler {
  static final String PATH = "/hooks/alertmanager";
  static final String TOKEN_VARIABLE = "LLM_ROUTER_ALERTMANAGER_TOKEN";
  private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerWebhookHandler.class);
  private static final int REMEMBERED_ALERTS = 10_000;

  private final GuardedRollouts rollouts;
  private final AdminAuth auth;
  private final ObjectMapper json;
  private final Map<String, String> handled =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > REMEMBERED_ALERTS;
        }
      };

  AlertmanagerWebhookHandler(GuardedRollouts rollouts, AdminAuth auth, ObjectMapper json) {
    this.rollouts = rollouts;
    this.auth = auth;
    this.json = json;
  }

  void handle(HttpExchange exchange) {
    if (!auth.authorized(exchange)) {
      return;
    }
    JsonNode payload = exchange.jsonBody();
    if (!payload.path("alerts").isArray()) {
      throw new HttpExchange.BadRequest(
          "alertmanager webhook: field 'alerts' is missing or not an array; expected"
              + " Alertmanager's webhook payload (version 4)");
    }
    ArrayNode outcomes = json.createArrayNode();
    for (JsonNode alert : payload.path("alerts")) {
      outcomes.add(act(alert));
    }
    ObjectNode answer = json.createObjectNode();
    answer.set("alerts", outcomes);
    exchange.sendJson(200, answer);
  }

  private synchronized ObjectNode act(JsonNode alert) {
    JsonNode labels = alert.path("labels");
    String name = labels.path("alertname").asText("(unnamed alert)");
    String flag = labels.path("feature_flag_key").asText(labels.path("flag").asText(""));
    ObjectNode outcome = json.createObjectNode().put("alertname", name).put("flag", flag);
    if (!"firing".equals(alert.path("status").asText())
        || !"rollback".equals(labels.path("action").asText())
        || flag.isEmpty()) {
      return outcome.put("outcome", "ignored: not a firing alert with action=rollback and a flag");
    }
    String key = alert.path("fingerprint").asText() + '@' + alert.path("startsAt").asText();
    String earlier = handled.get(key);
    if (earlier != null) {
      return outcome.put("outcome", "duplicate: already " + earlier);
    }
    String reason =
        "Alertmanager alert "
            + name
            + " (fingerprint "
            + alert.path("fingerprint").asText()
            + ", since "
            + alert.path("startsAt").asText()
            + ")";
    String result;
    try {
      Rollout rollout = rollouts.abort(flag, reason);
      result =
          "rolled back: state "
              + rollout.state()
              + (rollout.rollbackVerified()
                  ? ", verified"
                  : ", verification running (rollbackVerified in the rollout's status)");
    } catch (RolloutRefusedException e) {
      result = "not rolled back: " + e.getMessage();
    }
    handled.put(key, result);
    LOG.info("alertmanager alert={} flag={} outcome={}", name, flag, result);
    return outcome.put("outcome", result);
  }
}
