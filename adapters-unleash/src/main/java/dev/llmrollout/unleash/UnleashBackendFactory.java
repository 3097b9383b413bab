package dev.llmrollout.unleash;

import dev.llmrollout.spi.BackendException;
import dev.llmrollout.spi.BackendFactory;
import dev.llmrollout.unleash.internal.NoWriteBack;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Opens the Unleash backend by type name {@code unleash} (registered for {@link
 * java.util.ServiceLoader}).
 *
 * <p>Each setting comes from the option of that name or else from the environment variable:
 *
 * <ul>
 *   <li>{@code url} / {@code UNLEASH_URL}: the API root, such as {@code
 *       https://unleash.example/api} (required)
 *   <li>{@code UNLEASH_CLIENT_TOKEN}: the backend token the client polls with (required; only from
 *       the environment)
 *   <li>{@code UNLEASH_ADMIN_TOKEN}: an admin token or personal access token for write-back (only
 *       from the environment; without it every write fails with PERMISSION_DENIED)
 *   <li>{@code project} / {@code UNLEASH_PROJECT} (default {@code default}), {@code environment} /
 *       {@code UNLEASH_ENVIRONMENT} (default {@code development}): where write-back writes
 *   <li>{@code app-name} / {@code UNLEASH_APP_NAME} (default {@code llm-rollout})
 *   <li>{@code fetch-interval} / {@code UNLEASH_FETCH_INTERVAL}: seconds between polls (default 5;
 *       the kill switch's propagation time, see {@link UnleashSettings})
 *   <li>{@code backup-file} / {@code UNLEASH_BACKUP_FILE}: the client's backup of the last fetched
 *       flags (default {@code <tmp>/unleash-<app-name>-repo.json})
 *   <li>{@code kill-environment-off} / {@code UNLEASH_KILL_ENVIRONMENT_OFF}: {@code true} to also
 *       turn the environment off on a kill (default {@code false})
 * </ul>
 */
public final class UnleashBackendFactory implements BackendFactory {

  @Override
  public String type() {
    return "unleash";
  }

  @Override
  public Backend open(Map<String, String> options, Function<String, String> environment) {
    UnleashSettings settings = settings(options, environment);
    UnleashBackend backend = new UnleashBackend(settings);
    if (settings.adminToken() == null) {
      return new Backend(backend, new NoWriteBack("UNLEASH_ADMIN_TOKEN"));
    }
    return new Backend(backend, new UnleashRolloutControl(settings, backend));
  }

  static UnleashSettings settings(Map<String, String> options, Function<String, String> env) {
    String url = setting(options, env, "url", "UNLEASH_URL");
    if (url == null) {
      throw new BackendException("unleash: option url or UNLEASH_URL is required (the API root)");
    }
    String clientToken = env.apply("UNLEASH_CLIENT_TOKEN");
    if (clientToken == null || clientToken.isBlank()) {
      throw new BackendException("unleash: UNLEASH_CLIENT_TOKEN is required (a backend token)");
    }
    try {
      UnleashSettings.Builder builder =
          UnleashSettings.builder(URI.create(url)).clientToken(clientToken);
      String adminToken = env.apply("UNLEASH_ADMIN_TOKEN");
      if (adminToken != null && !adminToken.isBlank()) {
        builder.adminToken(adminToken);
      }
      optional(options, env, "project", "UNLEASH_PROJECT", builder::project);
      optional(options, env, "environment", "UNLEASH_ENVIRONMENT", builder::environment);
      optional(options, env, "app-name", "UNLEASH_APP_NAME", builder::appName);
      optional(
          options,
          env,
          "fetch-interval",
          "UNLEASH_FETCH_INTERVAL",
          v -> builder.fetchInterval(Duration.ofSeconds(seconds(v))));
      optional(
          options, env, "backup-file", "UNLEASH_BACKUP_FILE", v -> builder.backupFile(Path.of(v)));
      optional(
          options,
          env,
          "kill-environment-off",
          "UNLEASH_KILL_ENVIRONMENT_OFF",
          v -> builder.killTurnsEnvironmentOff(Boolean.parseBoolean(v)));
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new BackendException("unleash: " + e.getMessage(), e);
    }
  }

  private static long seconds(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "fetch-interval: expected whole seconds, got '" + value + "'", e);
    }
  }

  private static String setting(
      Map<String, String> options, Function<String, String> env, String option, String variable) {
    String value = options.get(option);
    if (value == null || value.isBlank()) {
      value = env.apply(variable);
    }
    return value == null || value.isBlank() ? null : value;
  }

  private static void optional(
      Map<String, String> options,
      Function<String, String> env,
      String option,
      String variable,
      Consumer<String> apply) {
    String value = setting(options, env, option, variable);
    if (value != null) {
      apply.accept(value);
    }
  }
}
