package dev.llmrollout.launchdarkly;

import dev.llmrollout.spi.BackendFactory;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.WriteBackException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Opens the LaunchDarkly backend by type {@code launchdarkly}.
 *
 * <p>Secrets come only from environment variables: {@code LD_SDK_KEY} (required, a server-side SDK
 * key) and {@code LD_ACCESS_TOKEN} (an API access token with a writer role, for write-back and for
 * readable variation names). Other settings come from options or, failing that, environment
 * variables:
 *
 * <ul>
 *   <li>{@code project} / {@code LD_PROJECT_KEY} and {@code environment} / {@code
 *       LD_ENVIRONMENT_KEY}: where write-back goes (required with an access token)
 *   <li>{@code base-uri} / {@code LD_BASE_URI}: one base URI for every service (a relay or a local
 *       test server); or {@code stream-uri}, {@code events-uri}, {@code api-uri} one by one
 *   <li>{@code send-events} / {@code LD_SEND_EVENTS}: {@code false} keeps all analytics events
 *       local
 * </ul>
 */
public final class LaunchDarklyBackendFactory implements BackendFactory {
  public static final String SDK_KEY_ENV = "LD_SDK_KEY";
  public static final String ACCESS_TOKEN_ENV = "LD_ACCESS_TOKEN";

  @Override
  public String type() {
    return "launchdarkly";
  }

  @Override
  public Backend open(Map<String, String> options, Function<String, String> environment) {
    String sdkKey = environment.apply(SDK_KEY_ENV);
    if (sdkKey == null || sdkKey.isBlank()) {
      throw new IllegalArgumentException(
          "backend 'launchdarkly': set the environment variable "
              + SDK_KEY_ENV
              + " to a server-side SDK key");
    }
    LaunchDarklyEndpoints endpoints = endpoints(options, environment);
    Optional<LaunchDarklyRolloutControl> control = control(options, environment, endpoints);
    LaunchDarklyBackend backend =
        LaunchDarklyBackend.builder(sdkKey)
            .endpoints(endpoints)
            .sendEvents(
                !"false"
                    .equalsIgnoreCase(
                        setting(options, environment, "send-events", "LD_SEND_EVENTS")))
            .variationNames(
                control.<VariationNameSource>map(c -> c).orElse(VariationNameSource.NONE))
            .build();
    return new Backend(backend, control.<RolloutControl>map(c -> c).orElse(new ReadOnly()));
  }

  private static Optional<LaunchDarklyRolloutControl> control(
      Map<String, String> options,
      Function<String, String> environment,
      LaunchDarklyEndpoints endpoints) {
    String token = environment.apply(ACCESS_TOKEN_ENV);
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    String project = setting(options, environment, "project", "LD_PROJECT_KEY");
    String env = setting(options, environment, "environment", "LD_ENVIRONMENT_KEY");
    if (project == null || env == null) {
      throw new IllegalArgumentException(
          "backend 'launchdarkly': with "
              + ACCESS_TOKEN_ENV
              + " set, write-back needs option 'project' (or LD_PROJECT_KEY) and option"
              + " 'environment' (or LD_ENVIRONMENT_KEY)");
    }
    return Optional.of(
        LaunchDarklyRolloutControl.builder(token)
            .project(project)
            .environment(env)
            .apiBase(endpoints.api())
            .build());
  }

  private static LaunchDarklyEndpoints endpoints(
      Map<String, String> options, Function<String, String> environment) {
    String base = setting(options, environment, "base-uri", "LD_BASE_URI");
    LaunchDarklyEndpoints defaults =
        base == null
            ? LaunchDarklyEndpoints.LAUNCHDARKLY
            : LaunchDarklyEndpoints.allAt(uri("base-uri", base));
    return new LaunchDarklyEndpoints(
        uriOr(options.get("stream-uri"), "stream-uri", defaults.stream()),
        defaults.polling(),
        uriOr(options.get("events-uri"), "events-uri", defaults.events()),
        uriOr(options.get("api-uri"), "api-uri", defaults.api()));
  }

  private static URI uriOr(String value, String option, URI fallback) {
    return value == null ? fallback : uri(option, value);
  }

  private static URI uri(String option, String value) {
    try {
      URI uri = URI.create(value);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "backend 'launchdarkly': option '"
              + option
              + "' is '"
              + value
              + "', expected an http(s) URI",
          e);
    }
  }

  private static String setting(
      Map<String, String> options,
      Function<String, String> environment,
      String option,
      String env) {
    String value = options.get(option);
    if (value == null || value.isBlank()) {
      value = environment.apply(env);
    }
    return value == null || value.isBlank() ? null : value;
  }

  /** Write-back without an access token: every call says how to enable it. */
  private static final class ReadOnly implements RolloutControl {
    @Override
    public FlagState state(String flagKey) {
      throw denied(flagKey);
    }

    @Override
    public FlagState setWeights(
        String flagKey, Map<String, Double> weights, ChangeRequest request) {
      throw denied(flagKey);
    }

    @Override
    public FlagState kill(String flagKey, String safeVariant, ChangeRequest request) {
      throw denied(flagKey);
    }

    @Override
    public FlagState restore(String flagKey, ChangeRequest request) {
      throw denied(flagKey);
    }

    @Override
    public FlagState writeRolloutRecord(String flagKey, String recordJson, ChangeRequest request) {
      throw denied(flagKey);
    }

    private static WriteBackException denied(String flagKey) {
      return new WriteBackException(
          WriteBackException.Kind.PERMISSION_DENIED,
          flagKey,
          "flag '"
              + flagKey
              + "': LaunchDarkly write-back is not configured; set "
              + ACCESS_TOKEN_ENV
              + " and the project and environment keys");
    }
  }
}
