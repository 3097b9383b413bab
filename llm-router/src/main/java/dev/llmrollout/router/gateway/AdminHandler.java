package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.guard.RolloutRefusedException;
import dev.llmrollout.provider.ServingOverride;
import dev.llmrollout.router.ArmSnapshot;
import dev.llmrollout.router.VariantStats;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /admin/flags/{key}}: read a flag's state with per-variant stats (a gateway's own traffic)
 * and its latest rollout; kill, set weights and restore through the backend; rollouts under {@code
 * .../rollout} ({@link RolloutHandler}). Writes need {@code Authorization: Bearer
 * <LLM_ROUTER_ADMIN_TOKEN>}; with no token configured every write is refused.
 */
final class AdminHandler {
  private static final Pattern PATH =
      Pattern.compile("/admin/flags/([^/]+)(?:/(kill|weights|restore))?");
  private static final String LIST_PATH = "/admin/flags";
  private static final String NO_REASON = "(no reason given)";

  private final RolloutControl control;
  private final Optional<VariantStats> signals;
  private final ServingOverride override;
  private final AdminAuth auth;
  private final GuardedRollouts rollouts;
  private final RolloutHandler rolloutHandler;
  private final Supplier<Set<String>> flagKeys;

  AdminHandler(
      Supplier<Set<String>> flagKeys,
      RolloutControl control,
      Optional<VariantStats> signals,
      ServingOverride override,
      AdminAuth auth,
      GuardedRollouts rollouts) {
    this.flagKeys = flagKeys;
    this.control = control;
    this.signals = signals;
    this.override = override;
    this.auth = auth;
    this.rollouts = rollouts;
    this.rolloutHandler = new RolloutHandler(rollouts, auth);
  }

  boolean handles(String path) {
    return path.equals(LIST_PATH) || PATH.matcher(path).matches() || rolloutHandler.handles(path);
  }

  void handle(HttpExchange exchange) {
    if (exchange.path().equals(LIST_PATH)) {
      list(exchange);
      return;
    }
    if (rolloutHandler.handles(exchange.path())) {
      rolloutHandler.handle(exchange);
      return;
    }
    Matcher match = PATH.matcher(exchange.path());
    if (!match.matches()) {
      exchange.sendError(404, "not_found", "no such admin resource");
      return;
    }
    String flag = match.group(1);
    String action = match.group(2);
    if (action == null) {
      if (!exchange.method().equals("GET")) {
        exchange.sendError(405, "method_not_allowed", "use GET to read a flag");
        return;
      }
      exchange.sendJson(200, describe(exchange, control.state(flag)));
      return;
    }
    if (!exchange.method().equals("POST")) {
      exchange.sendError(405, "method_not_allowed", "use POST to " + action);
      return;
    }
    if (!auth.authorized(exchange)) {
      return;
    }
    JsonNode body = action.equals("restore") ? optionalBody(exchange) : exchange.jsonBody();
    boolean force = action.equals("restore") && forced(body);
    String actor = AdminAuth.actor(exchange);
    ChangeRequest change =
        ChangeRequest.because(reason(body))
            .by("llm-router " + rollouts.host() + " admin (" + actor + ")");
    OperatorLog.Line line =
        OperatorLog.event("admin." + action)
            .with("flag", flag)
            .with("actor", actor)
            .with("reason", change.reason());
    FlagState state;
    try {
      state =
          switch (action) {
            case "kill" -> control.kill(flag, text(body, "variant"), change);
            case "weights" -> control.setWeights(flag, weights(body), change);
            // Through the guard: after its automatic rollback, only {"force": true} restores.
            default -> rollouts.restore(flag, change, force);
          };
    } catch (RolloutRefusedException e) {
      line.with("result", "refused").with("error", e.getMessage()).warn();
      exchange.sendError(409, "restore_refused", e.getMessage());
      return;
    } catch (RuntimeException e) {
      line.with("result", "failed").with("error", e.getMessage()).warn();
      throw e;
    }
    line.with("result", "ok")
        .with("weights", state.weights())
        .with("killedTo", state.killedTo().orElse("-"))
        .info();
    exchange.sendJson(200, describe(exchange, state));
  }

  /** {@code GET /admin/flags}: every flag with its state, weights and latest rollout. */
  private void list(HttpExchange exchange) {
    if (!exchange.method().equals("GET")) {
      exchange.sendError(405, "method_not_allowed", "use GET to list the flags");
      return;
    }
    ObjectNode body = exchange.json().createObjectNode();
    ArrayNode flags = body.putArray("flags");
    for (String key : new TreeSet<>(flagKeys.get())) {
      FlagState state = control.state(key);
      ObjectNode flag = flags.addObject();
      flag.put("flag", key);
      flag.put("enabled", state.enabled());
      flag.put("version", state.version());
      flag.put("defaultVariant", state.defaultVariant());
      flag.putPOJO("weights", state.weights());
      flag.put("killedTo", state.killedTo().orElse(null));
      flag.put("override", override.forcedVariant(key).orElse(null));
      flag.set("rollout", rollouts.summary(key).orElse(null));
    }
    exchange.sendJson(200, body);
  }

  private static JsonNode optionalBody(HttpExchange exchange) {
    try {
      return exchange.jsonBody();
    } catch (HttpExchange.BadRequest e) {
      return exchange.json().createObjectNode().put("reason", "restore from the admin API");
    }
  }

  /** {@code "force": true} puts a rolled-back canary back, and only with the reason it is safe. */
  private static boolean forced(JsonNode body) {
    boolean force = body.path("force").asBoolean(false);
    if (force && reason(body).equals(NO_REASON)) {
      throw new HttpExchange.BadRequest(
          "reason: a forced restore needs a reason (why the canary may serve again), for the"
              + " audit record");
    }
    return force;
  }

  private static String reason(JsonNode body) {
    return body.path("reason").isTextual() && !body.get("reason").asText().isBlank()
        ? body.get("reason").asText()
        : NO_REASON;
  }

  private static String text(JsonNode body, String field) {
    if (!body.path(field).isTextual()) {
      throw new HttpExchange.BadRequest(field + ": expected a variant name");
    }
    return body.get(field).asText();
  }

  private static Map<String, Double> weights(JsonNode body) {
    JsonNode weights = body.get("weights");
    if (weights == null || !weights.isObject() || weights.isEmpty()) {
      throw new HttpExchange.BadRequest("weights: expected an object of variant to percent");
    }
    Map<String, Double> parsed = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : weights.properties()) {
      if (!e.getValue().isNumber()) {
        throw new HttpExchange.BadRequest("weights." + e.getKey() + ": expected a number");
      }
      parsed.put(e.getKey(), e.getValue().doubleValue());
    }
    return parsed;
  }

  private JsonNode describe(HttpExchange exchange, FlagState state) {
    ObjectNode body = exchange.json().createObjectNode();
    body.put("flag", state.flagKey());
    body.put("enabled", state.enabled());
    body.put("version", state.version());
    body.put("defaultVariant", state.defaultVariant());
    body.putPOJO("weights", state.weights());
    body.put("killedTo", state.killedTo().orElse(null));
    body.put("override", override.forcedVariant(state.flagKey()).orElse(null));
    body.set("rollout", rollouts.summary(state.flagKey()).orElse(null));
    ObjectNode variants = body.putObject("variants");
    for (String variant : state.variants()) {
      // A controller routes nothing: its variants carry no per-process stats (Prometheus has them).
      variants.set(
          variant,
          signals
              .map(s -> stats(exchange, s.arm(state.flagKey(), variant)))
              .orElseGet(() -> exchange.json().createObjectNode()));
    }
    return body;
  }

  private static JsonNode stats(HttpExchange exchange, ArmSnapshot arm) {
    ObjectNode stats = exchange.json().createObjectNode();
    stats.put("requests", arm.requests());
    stats.put("errors", arm.errors());
    stats.put("p50Ms", finite(arm.latencyQuantileMillis(0.5)));
    stats.put("p99Ms", finite(arm.latencyQuantileMillis(0.99)));
    stats.put("refusalRate", arm.requests() == 0 ? 0 : (double) arm.refusals() / arm.requests());
    stats.putPOJO("feedback", arm.feedbackCounts());
    return stats;
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
