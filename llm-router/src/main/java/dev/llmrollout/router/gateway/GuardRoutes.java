package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.router.VariantStats;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The routes every process that guards rollouts serves, gateway or controller, wired the same way:
 * the admin API with its rollouts, {@code /metrics}, the Alertmanager webhook, health and
 * readiness; a gateway adds model traffic.
 */
final class GuardRoutes {
  private GuardRoutes() {}

  static Gateway.Routes of(
      Optional<Gateway.ModelTraffic> traffic,
      FlagStack stack,
      Optional<VariantStats> signals,
      GuardedRollouts rollouts,
      Function<String, String> environment,
      Supplier<Optional<String>> notReady,
      Supplier<JsonNode> health) {
    return new Gateway.Routes(
        traffic,
        new AdminHandler(
            stack::flagKeys,
            stack.control(),
            signals,
            stack.override(),
            new AdminAuth(
                AdminAuth.TOKEN_VARIABLE,
                Optional.ofNullable(environment.apply(AdminAuth.TOKEN_VARIABLE))),
            rollouts),
        new MetricsHandler(stack.metricReader()),
        new AlertmanagerWebhookHandler(
            rollouts,
            new AdminAuth(
                AlertmanagerWebhookHandler.TOKEN_VARIABLE,
                Optional.ofNullable(environment.apply(AlertmanagerWebhookHandler.TOKEN_VARIABLE))),
            Gateway.JSON),
        notReady,
        health);
  }
}
