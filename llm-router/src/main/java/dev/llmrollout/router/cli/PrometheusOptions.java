package dev.llmrollout.router.cli;

import dev.llmrollout.guard.prometheus.PrometheusAuth;
import dev.llmrollout.guard.prometheus.PrometheusSignalSource;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Where {@code llm-router guard} reads the fleet's signals: Prometheus's URL, the routing
 * processes' job, what complete data means, and the credentials, which come from environment
 * variables the options name (a flag's value shows in process listings).
 */
final class PrometheusOptions {
  @Option(
      names = "--prometheus",
      required = true,
      paramLabel = "URL",
      description = "Prometheus's base URL, such as http://127.0.0.1:9090.")
  String url;

  @Option(
      names = "--prometheus-job",
      defaultValue = "llm-router",
      paramLabel = "JOB",
      description = "The scrape job of the routing processes (default llm-router).")
  String job;

  @Option(
      names = "--min-targets",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Routing processes Prometheus must know and scrape; fewer holds every rollout"
              + " (default 1).")
  int minTargets;

  @Option(
      names = "--stale-after",
      defaultValue = "PT45S",
      paramLabel = "DURATION",
      description =
          "A target not scraped for this long holds every rollout (about 3 scrape intervals;"
              + " default 45s).")
  Duration staleAfter;

  @Option(
      names = "--prometheus-bearer-token-env",
      paramLabel = "VAR",
      description =
          "Send 'Authorization: Bearer <token>' to Prometheus, the token read from environment"
              + " variable VAR (a proxy in front of Prometheus, a managed Prometheus).")
  String bearerTokenEnv;

  @Option(
      names = "--prometheus-user",
      paramLabel = "USER",
      description =
          "Basic auth to Prometheus (its --web.config.file basic_auth_users) as USER; the"
              + " password from --prometheus-password-env.")
  String user;

  @Option(
      names = "--prometheus-password-env",
      paramLabel = "VAR",
      description = "The environment variable holding --prometheus-user's password.")
  String passwordEnv;

  /**
   * The signal source's settings, the credentials read from {@code environment}.
   *
   * @throws IllegalArgumentException naming the option (and variable) at fault, never a secret
   */
  PrometheusSignalSource.Settings settings(Function<String, String> environment) {
    if (minTargets < 1) {
      throw new IllegalArgumentException("--min-targets " + minTargets + ": expected 1 or more");
    }
    if (staleAfter.isNegative() || staleAfter.isZero()) {
      throw new IllegalArgumentException(
          "--stale-after " + staleAfter + ": expected a positive duration such as 45s");
    }
    PrometheusSignalSource.Settings defaults = PrometheusSignalSource.Settings.of(uri(), job);
    return new PrometheusSignalSource.Settings(
        defaults.baseUri(),
        job,
        minTargets,
        staleAfter,
        defaults.counterLookback(),
        defaults.timeout(),
        auth(environment));
  }

  private PrometheusAuth auth(Function<String, String> environment) {
    if (bearerTokenEnv != null && (user != null || passwordEnv != null)) {
      throw new IllegalArgumentException(
          "--prometheus-bearer-token-env and --prometheus-user: expected one kind of credentials");
    }
    if (bearerTokenEnv != null) {
      String token = secret("--prometheus-bearer-token-env", bearerTokenEnv, environment);
      try {
        return PrometheusAuth.bearer(token);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--prometheus-bearer-token-env " + bearerTokenEnv + ": " + e.getMessage());
      }
    }
    if (user == null && passwordEnv == null) {
      return PrometheusAuth.none();
    }
    if (user == null || passwordEnv == null) {
      throw new IllegalArgumentException(
          "--prometheus-user and --prometheus-password-env: expected both for basic auth");
    }
    String password = secret("--prometheus-password-env", passwordEnv, environment);
    try {
      return PrometheusAuth.basic(user, password);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--prometheus-user/--prometheus-password-env: " + e.getMessage());
    }
  }

  /** The value of {@code variable}, which {@code option} named; never part of a message. */
  private static String secret(
      String option, String variable, Function<String, String> environment) {
    String value = environment.apply(variable);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          option
              + " "
              + variable
              + ": the environment variable "
              + variable
              + " is not set or empty");
    }
    return value;
  }

  private URI uri() {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      // Not echoed: a malformed URL may still carry a password.
      throw new IllegalArgumentException("--prometheus: expected a URL like http://127.0.0.1:9090");
    }
    if (uri.getUserInfo() != null) {
      // Secrets come from the environment only: a flag's value shows in process listings.
      throw new IllegalArgumentException(
          "--prometheus: expected a URL without credentials (user:password@ is not accepted;"
              + " use --prometheus-user and --prometheus-password-env)");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "--prometheus " + url + ": expected an http or https URL like http://127.0.0.1:9090");
    }
    return uri;
  }
}
