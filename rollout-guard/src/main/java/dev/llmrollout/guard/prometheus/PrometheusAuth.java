package dev.llmrollout.guard.prometheus;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * How the signal source authenticates to Prometheus's query API: not at all, with a bearer token (a
 * proxy in front of Prometheus, or a managed Prometheus), or with basic auth (Prometheus's own
 * {@code --web.config.file} {@code basic_auth_users}). It keeps the secret only as the {@code
 * Authorization} header it sends; {@link #toString} and {@link #describe} never show it.
 */
public final class PrometheusAuth {
  private static final PrometheusAuth NONE = new PrometheusAuth("no credentials", null);

  private final String description;
  private final String header;

  private PrometheusAuth(String description, String header) {
    this.description = description;
    this.header = header;
  }

  public static PrometheusAuth none() {
    return NONE;
  }

  /**
   * {@code Authorization: Bearer <token>}.
   *
   * @throws IllegalArgumentException for a blank token or one with control characters (the message
   *     never shows the token)
   */
  public static PrometheusAuth bearer(String token) {
    requireHeaderSafe("the bearer token", token);
    return new PrometheusAuth("a bearer token", "Bearer " + token);
  }

  /**
   * {@code Authorization: Basic base64(user:password)} (RFC 7617).
   *
   * @throws IllegalArgumentException for a blank user or password, a user with a colon, or control
   *     characters (the message never shows the password)
   */
  public static PrometheusAuth basic(String user, String password) {
    requireHeaderSafe("the user", user);
    requireHeaderSafe("the password", password);
    if (user.contains(":")) {
      throw new IllegalArgumentException(
          "basic auth user '" + user + "': expected a name without ':'");
    }
    String pair = user + ":" + password;
    return new PrometheusAuth(
        "basic auth as '" + user + "'",
        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  private static void requireHeaderSafe(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          what + " contains a control character (a line break?), which a header cannot carry");
    }
  }

  /** The {@code Authorization} header value to send; empty without credentials. */
  Optional<String> header() {
    return Optional.ofNullable(header);
  }

  /** What is sent, without the secret: "no credentials", "a bearer token", "basic auth as 'u'". */
  public String describe() {
    return description;
  }

  @Override
  public String toString() {
    return "PrometheusAuth[" + description + "]";
  }
}
