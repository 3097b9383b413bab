package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RolloutRefusedException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /admin/flags/{key}/rollout}: start a guarded rollout (POST), read its state (GET), and
 * {@code /admin/flags/{key}/rollout/abort}: roll it back by hand (POST). Writes follow the admin
 * token rule; refusals answer 409 with the guard's reason.
 */
final class RolloutHandler {
  private static final Pattern PATH = Pattern.compile("/admin/flags/([^/]+)/rollout(/abort)?");

  private final GuardedRollouts rollouts;
  private final AdminAuth auth;

  RolloutHandler(GuardedRollouts rollouts, AdminAuth auth) {
    this.rollouts = rollouts;
    this.auth = auth;
  }

  boolean handles(String path) {
    return PATH.matcher(path).matches();
  }

  void handle(HttpExchange exchange) {
    Matcher match = PATH.matcher(exchange.path());
    if (!match.matches()) {
      exchange.sendError(404, "not_found", "no such admin resource");
      return;
    }
    String flag = match.group(1);
    boolean abort = match.group(2) != null;
    if (!abort && exchange.method().equals("GET")) {
      status(exchange, flag);
      return;
    }
    if (!exchange.method().equals("POST")) {
      exchange.sendError(
          405,
          "method_not_allowed",
          abort ? "use POST to abort a rollout" : "use GET to read a rollout, POST to start one");
      return;
    }
    if (!auth.authorized(exchange)) {
      return;
    }
    JsonNode body = exchange.jsonBody();
    OperatorLog.Line line =
        OperatorLog.event(abort ? "rollout.abort" : "rollout.start")
            .with("flag", flag)
            .with("actor", AdminAuth.actor(exchange));
    if (abort) {
      line.with("reason", body.path("reason").asText(""));
    } else {
      line.with("canary", body.path("canary").asText(""))
          .with("force", body.path("force").asText("-"));
    }
    try {
      Rollout rollout =
          abort ? rollouts.abort(flag, reason(flag, body)) : rollouts.start(flag, body);
      line.with("result", "ok").with("state", rollout.state()).info();
      exchange.sendJson(abort ? 200 : 201, rollouts.describe(rollout));
    } catch (RolloutRefusedException e) {
      String message = forceHint(e.getMessage());
      line.with("result", "refused").with("why", message).warn();
      exchange.sendError(409, "rollout_refused", message);
    } catch (RuntimeException e) {
      line.with("result", "failed").with("why", e.getMessage()).warn();
      throw e;
    }
  }

  /** The guard says "force the new one": name the way to. */
  private static String forceHint(String message) {
    return message.endsWith("force the new one")
        ? message
            + " (llm-router rollout start --force REASON, or \"force\": REASON in the request)"
        : message;
  }

  private void status(HttpExchange exchange, String flag) {
    var rollout = rollouts.rollout(flag);
    if (rollout.isEmpty()) {
      exchange.sendError(
          404,
          "not_found",
          "flag '" + flag + "': no rollout was started in this " + rollouts.host());
      return;
    }
    exchange.sendJson(200, rollouts.describe(rollout.get()));
  }

  private static String reason(String flag, JsonNode body) {
    JsonNode reason = body.path("reason");
    if (!reason.isTextual() || reason.asText().isBlank()) {
      throw new HttpExchange.BadRequest(
          "abort of the rollout of flag '" + flag + "': reason: expected a non-empty string");
    }
    return reason.asText();
  }
}
