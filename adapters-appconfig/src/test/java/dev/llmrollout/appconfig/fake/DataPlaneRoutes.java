package dev.llmrollout.appconfig.fake;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * AppConfigData: {@code POST /configurationsessions} (201, {@code InitialConfigurationToken}) and
 * {@code GET /configuration?configuration_token=} (200, the content or an empty body when the
 * session already has the version in effect, with {@code Next-Poll-Configuration-Token} and {@code
 * Next-Poll-Interval-In-Seconds}).
 */
final class DataPlaneRoutes {
  private final FakeAppConfigState state;
  private final FakeSessions sessions;
  private volatile int pollIntervalSeconds;

  DataPlaneRoutes(FakeAppConfigState state, FakeSessions sessions, int pollIntervalSeconds) {
    this.state = state;
    this.sessions = sessions;
    this.pollIntervalSeconds = pollIntervalSeconds;
  }

  void pollIntervalSeconds(int seconds) {
    this.pollIntervalSeconds = seconds;
  }

  boolean handle(FakeExchange exchange) {
    if (exchange.matches("POST", "configurationsessions")) {
      startSession(exchange);
      return true;
    }
    if (exchange.matches("GET", "configuration")) {
      latest(exchange);
      return true;
    }
    return false;
  }

  private void startSession(FakeExchange exchange) {
    JsonNode body = exchange.jsonBody();
    String app = required(body, "ApplicationIdentifier");
    String env = required(body, "EnvironmentIdentifier");
    String profile = required(body, "ConfigurationProfileIdentifier");
    int interval = pollIntervalSeconds;
    JsonNode minimum = body.get("RequiredMinimumPollIntervalInSeconds");
    if (minimum != null) {
      if (!minimum.isInt() || minimum.intValue() < 15 || minimum.intValue() > 86_400) {
        throw AwsError.invalidParameter(
            "RequiredMinimumPollIntervalInSeconds",
            "Corrupted",
            "RequiredMinimumPollIntervalInSeconds must be between 15 and 86400");
      }
      interval = Math.max(interval, minimum.intValue());
    }
    FakeAppConfigState.Named application = dataLookup("Application", () -> state.application(app));
    FakeAppConfigState.Named environment =
        dataLookup("Environment", () -> state.environment(application.id(), env));
    FakeAppConfigState.Profile configurationProfile =
        dataLookup("ConfigurationProfile", () -> state.profile(application.id(), profile));
    String token =
        sessions.start(
            new FakeSessions.Session(
                application.id(),
                environment.id(),
                configurationProfile.id(),
                interval,
                sessions.nextRank()));
    exchange.json(
        201, FakeExchange.JSON.createObjectNode().put("InitialConfigurationToken", token));
  }

  private void latest(FakeExchange exchange) {
    String token = exchange.query.get("configuration_token");
    if (token == null || token.isEmpty()) {
      throw AwsError.invalidParameter(
          "ConfigurationToken", "Corrupted", "configuration_token is required");
    }
    FakeSessions.Session session = sessions.spend(token);
    Optional<FakeAppConfigState.HostedVersion> active =
        state.activeVersion(
            session.applicationId, session.environmentId, session.profileId, session.rank);
    if (active.isEmpty()) {
      throw AwsError.dataNotFound(
          "Configuration", "No deployed configuration for profile " + session.profileId);
    }
    exchange.status = 200;
    exchange.responseHeaders.put("Next-Poll-Configuration-Token", sessions.next(session));
    exchange.responseHeaders.put(
        "Next-Poll-Interval-In-Seconds", Integer.toString(session.intervalSeconds));
    FakeAppConfigState.HostedVersion version = active.get();
    if (session.servedVersion != null && session.servedVersion == version.number()) {
      return;
    }
    session.servedVersion = version.number();
    boolean featureFlags =
        FeatureFlagsDocument.TYPE.equals(
            state.profile(session.applicationId, session.profileId).type());
    exchange.responseBody =
        featureFlags ? FeatureFlagsDocument.flatten(version.content()) : version.content();
    exchange.responseHeaders.put(
        "Content-Type", featureFlags ? "application/json" : version.contentType());
    if (version.label() != null) {
      exchange.responseHeaders.put("Version-Label", version.label());
    }
  }

  private static <T> T dataLookup(String resourceType, java.util.function.Supplier<T> lookup) {
    try {
      return lookup.get();
    } catch (AwsError e) {
      throw AwsError.dataNotFound(resourceType, e.getMessage());
    }
  }

  private static String required(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
      throw AwsError.invalidParameter(field, "Corrupted", field + " is required");
    }
    return value.textValue();
  }
}
