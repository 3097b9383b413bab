package dev.llmrollout.router.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The rule for every admin write: {@code Authorization: Bearer <LLM_ROUTER_ADMIN_TOKEN>}, compared
 * in constant time; with no token configured every write is refused.
 */
final class AdminAuth {
  static final String TOKEN_VARIABLE = "LLM_ROUTER_ADMIN_TOKEN";

  /** Who is acting, as the client says; only recorded, never trusted for access. */
  static final String ACTOR_HEADER = "X-Actor";

  private static final int MAX_ACTOR_LENGTH = 80;

  private final String variable;
  private final Optional<byte[]> adminToken;

  /** Writes need the token from the environment variable {@code variable} (never logged). */
  AdminAuth(String variable, Optional<String> token) {
    this.variable = variable;
    this.adminToken = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
  }

  /** Who asks, for the operator log: the client's X-Actor (the CLI sends user@host) and address. */
  static String actor(HttpExchange exchange) {
    String named = exchange.header(ACTOR_HEADER);
    String who =
        named == null
            ? "admin-token holder"
            : named
                .replaceAll("[^A-Za-z0-9@._ ()-]", "_")
                .substring(0, Math.min(named.length(), MAX_ACTOR_LENGTH));
    return who + " from " + exchange.remoteAddress();
  }

  /** True when the write may go ahead; otherwise the refusal (403 or 401) is sent and logged. */
  boolean authorized(HttpExchange exchange) {
    boolean allowed = check(exchange);
    if (!allowed) {
      OperatorLog.event("admin.refused")
          .with("method", exchange.method())
          .with("path", exchange.path())
          .with("actor", actor(exchange))
          .with("reason", adminToken.isEmpty() ? TOKEN_VARIABLE + " not set" : "wrong or no token")
          .warn();
    }
    return allowed;
  }

  private boolean check(HttpExchange exchange) {
    if (adminToken.isEmpty()) {
      exchange.discardBody();
      exchange.sendError(
          403, "admin_disabled", "writes here are disabled: " + variable + " is not set");
      return false;
    }
    String header = exchange.header("Authorization");
    byte[] presented =
        header != null && header.startsWith("Bearer ")
            ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    if (!MessageDigest.isEqual(presented, adminToken.get())) {
      exchange.discardBody();
      exchange.sendError(401, "unauthorized", "expected Authorization: Bearer <" + variable + ">");
      return false;
    }
    return true;
  }
}
