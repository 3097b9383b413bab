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

  private final String variable;
  private final Optional<byte[]> adminToken;

  /** Writes need the token from the environment variable {@code variable} (never logged). */
  AdminAuth(String variable, Optional<String> token) {
    this.variable = variable;
    this.adminToken = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
  }

  /** True when the write may go ahead; otherwise the refusal (403 or 401) is sent. */
  boolean authorized(HttpExchange exchange) {
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
