package dev.llmrollout.appconfig;

import dev.llmrollout.spi.BackendFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.appconfig.AppConfigClient;
import software.amazon.awssdk.services.appconfigdata.AppConfigDataClient;

/**
 * Opens the {@code appconfig} backend. Options (from the command line) win over environment
 * variables of the same meaning:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>environment</th><th>meaning</th></tr>
 *   <tr><td>application</td><td>APPCONFIG_APPLICATION_ID</td><td>application ID</td></tr>
 *   <tr><td>environment</td><td>APPCONFIG_ENVIRONMENT_ID</td><td>environment ID</td></tr>
 *   <tr><td>profile</td><td>APPCONFIG_PROFILE_ID</td><td>configuration profile ID</td></tr>
 *   <tr><td>format</td><td>APPCONFIG_FORMAT</td><td>feature-flags, flagd or auto</td></tr>
 *   <tr><td>region</td><td>AWS_REGION</td><td>AWS region</td></tr>
 *   <tr><td>poll-interval</td><td>APPCONFIG_POLL_INTERVAL_SECONDS</td><td>15..86400</td></tr>
 *   <tr><td>deployment-strategy</td><td>APPCONFIG_DEPLOYMENT_STRATEGY_ID</td><td>for splits</td></tr>
 *   <tr><td>kill-strategy</td><td>APPCONFIG_KILL_STRATEGY_ID</td><td>kill/restore</td></tr>
 *   <tr><td>data-endpoint</td><td>APPCONFIG_DATA_ENDPOINT</td><td>AppConfigData URL</td></tr>
 *   <tr><td>control-endpoint</td><td>APPCONFIG_CONTROL_ENDPOINT</td><td>AppConfig URL</td></tr>
 * </table>
 *
 * <p>Credentials come only from the environment: {@code AWS_ACCESS_KEY_ID}, {@code
 * AWS_SECRET_ACCESS_KEY} and optionally {@code AWS_SESSION_TOKEN} when set, otherwise the AWS
 * default chain (profiles, instance and container roles).
 */
public final class AppConfigBackendFactory implements BackendFactory {

  @Override
  public String type() {
    return "appconfig";
  }

  @Override
  public Backend open(Map<String, String> options, Function<String, String> environment) {
    Settings settings = new Settings(options, environment);
    AppConfigLocation location =
        new AppConfigLocation(
            settings.required("application", "APPCONFIG_APPLICATION_ID"),
            settings.required("environment", "APPCONFIG_ENVIRONMENT_ID"),
            settings.required("profile", "APPCONFIG_PROFILE_ID"));
    Region region = Region.of(settings.required("region", "AWS_REGION"));
    AwsCredentialsProvider credentials = credentials(environment);

    SdkHttpClient dataHttp = UrlConnectionHttpClient.create();
    var data =
        AppConfigDataClient.builder()
            .region(region)
            .credentialsProvider(credentials)
            .httpClient(dataHttp)
            // The poller handles failures itself: a single-use token must not be replayed.
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    settings
        .optional("data-endpoint", "APPCONFIG_DATA_ENDPOINT")
        .map(URI::create)
        .ifPresent(data::endpointOverride);
    AppConfigBackend.Builder backend =
        AppConfigBackend.builder(data.build(), location)
            .format(format(settings))
            .closeClientOnClose();
    settings
        .optional("poll-interval", "APPCONFIG_POLL_INTERVAL_SECONDS")
        .map(s -> Duration.ofSeconds(integer("poll-interval", s)))
        .ifPresent(backend::requiredMinimumPollInterval);

    var control =
        AppConfigClient.builder()
            .region(region)
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            // AppConfigRolloutControl retries what is safe itself and reports every attempt.
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    settings
        .optional("control-endpoint", "APPCONFIG_CONTROL_ENDPOINT")
        .map(URI::create)
        .ifPresent(control::endpointOverride);
    AppConfigRolloutControl.Builder rollout =
        AppConfigRolloutControl.builder(control.build(), location);
    settings
        .optional("deployment-strategy", "APPCONFIG_DEPLOYMENT_STRATEGY_ID")
        .ifPresent(rollout::deploymentStrategy);
    settings
        .optional("kill-strategy", "APPCONFIG_KILL_STRATEGY_ID")
        .ifPresent(rollout::killStrategy);
    return new Backend(backend.build(), rollout.build());
  }

  private static AwsCredentialsProvider credentials(Function<String, String> environment) {
    String key = environment.apply("AWS_ACCESS_KEY_ID");
    String secret = environment.apply("AWS_SECRET_ACCESS_KEY");
    if (key == null || key.isBlank() || secret == null || secret.isBlank()) {
      return DefaultCredentialsProvider.builder().build();
    }
    String session = environment.apply("AWS_SESSION_TOKEN");
    return StaticCredentialsProvider.create(
        session == null || session.isBlank()
            ? AwsBasicCredentials.create(key, secret)
            : AwsSessionCredentials.create(key, secret, session));
  }

  private static DocumentFormat format(Settings settings) {
    String value = settings.optional("format", "APPCONFIG_FORMAT").orElse("auto");
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "feature-flags", "featureflags", "aws.appconfig.featureflags" ->
          DocumentFormat.FEATURE_FLAGS;
      case "flagd" -> DocumentFormat.FLAGD;
      case "auto" -> DocumentFormat.AUTO;
      default ->
          throw new IllegalArgumentException(
              "format (APPCONFIG_FORMAT): expected feature-flags, flagd or auto, found '"
                  + value
                  + "'");
    };
  }

  private static int integer(String field, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          field + ": expected a whole number of seconds, found '" + value + "'", e);
    }
  }

  /** Options first, then the environment. */
  private record Settings(Map<String, String> options, Function<String, String> environment) {
    Optional<String> optional(String option, String variable) {
      String value = options.get(option);
      if (value == null || value.isBlank()) {
        value = environment.apply(variable);
      }
      return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    String required(String option, String variable) {
      return optional(option, variable)
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "appconfig backend: " + option + ": expected the option or " + variable));
    }
  }
}
