package dev.llmrollout.appconfig.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Function;

/**
 * The AppConfig control-plane operations the adapter uses, with the paths, headers, status codes
 * and shapes of the service model (appconfig 2019-10-09).
 */
final class ControlPlaneRoutes {
  private static final int MAX_CONTENT = 2 * 1024 * 1024;

  private final FakeAppConfigState state;

  ControlPlaneRoutes(FakeAppConfigState state) {
    this.state = state;
  }

  boolean handle(FakeExchange x) {
    String[] s = x.segments;
    if (x.matches("GET", "applications", "*", "configurationprofiles", "*")) {
      FakeAppConfigState.Profile p = state.profile(app(s[1]), s[3]);
      x.json(
          200,
          FakeExchange.JSON
              .createObjectNode()
              .put("ApplicationId", p.applicationId())
              .put("Id", p.id())
              .put("Name", p.name())
              .put("LocationUri", "hosted")
              .put("Type", p.type()));
    } else if (x.matches(
        "POST", "applications", "*", "configurationprofiles", "*", "hostedconfigurationversions")) {
      createVersion(x, app(s[1]), s[3]);
    } else if (x.matches(
        "GET", "applications", "*", "configurationprofiles", "*", "hostedconfigurationversions")) {
      List<FakeAppConfigState.HostedVersion> all = state.versions(app(s[1]), s[3]);
      page(x, all, v -> versionSummary(s[1], s[3], v));
    } else if (x.matches(
        "GET",
        "applications",
        "*",
        "configurationprofiles",
        "*",
        "hostedconfigurationversions",
        "*")) {
      FakeAppConfigState.HostedVersion v = state.version(app(s[1]), s[3], number(s[5]));
      hostedVersion(x, 200, s[1], s[3], v);
    } else if (x.matches("POST", "applications", "*", "environments", "*", "deployments")) {
      JsonNode b = x.jsonBody();
      FakeDeployment d =
          state.startDeployment(
              app(s[1]),
              s[3],
              b.path("DeploymentStrategyId").asText(),
              b.path("ConfigurationProfileId").asText(),
              b.path("ConfigurationVersion").asText(),
              b.path("Description").asText(null),
              b.hasNonNull("LatestDeploymentNumber")
                  ? b.get("LatestDeploymentNumber").asInt()
                  : null);
      x.json(201, d.toJson());
    } else if (x.matches("GET", "applications", "*", "environments", "*", "deployments")) {
      page(x, state.deployments(app(s[1]), s[3]), FakeDeployment::summary);
    } else if (x.matches("GET", "applications", "*", "environments", "*", "deployments", "*")) {
      x.json(200, state.deployment(app(s[1]), s[3], number(s[5])).toJson());
    } else if (x.matches("DELETE", "applications", "*", "environments", "*", "deployments", "*")) {
      boolean allowRevert = "true".equalsIgnoreCase(x.header("Allow-Revert"));
      x.json(202, state.stopDeployment(app(s[1]), s[3], number(s[5]), allowRevert).toJson());
    } else if (x.matches("GET", "deploymentstrategies")) {
      page(x, state.strategies(), FakeStrategy::toJson);
    } else if (x.matches("POST", "deploymentstrategies")) {
      createStrategy(x);
    } else {
      return false;
    }
    return true;
  }

  /** The IAM action of a control-plane request ({@code appconfig:StartDeployment}), if known. */
  static String action(FakeExchange x) {
    String[] s = x.segments;
    // A collection path has an odd number of segments; an item path ends in the item's ID.
    String resource =
        s.length == 0 ? "" : s.length % 2 == 1 ? s[s.length - 1] : s[s.length - 2] + "/*";
    String operation =
        switch (x.method + " " + resource) {
          case "POST hostedconfigurationversions" -> "CreateHostedConfigurationVersion";
          case "GET hostedconfigurationversions" -> "ListHostedConfigurationVersions";
          case "GET hostedconfigurationversions/*" -> "GetHostedConfigurationVersion";
          case "POST deployments" -> "StartDeployment";
          case "GET deployments" -> "ListDeployments";
          case "GET deployments/*" -> "GetDeployment";
          case "DELETE deployments/*" -> "StopDeployment";
          case "GET configurationprofiles/*" -> "GetConfigurationProfile";
          case "GET deploymentstrategies" -> "ListDeploymentStrategies";
          case "POST deploymentstrategies" -> "CreateDeploymentStrategy";
          default -> "Unknown";
        };
    return "appconfig:" + operation;
  }

  private String app(String id) {
    return state.application(id).id();
  }

  private void createVersion(FakeExchange x, String applicationId, String profileId) {
    String contentType = x.header("Content-Type");
    if (contentType == null || contentType.isBlank()) {
      throw AwsError.badRequest("Content-Type is required");
    }
    if (x.body.length > MAX_CONTENT) {
      AwsError tooLarge =
          new AwsError(413, "PayloadTooLargeException", "The configuration is too large");
      tooLarge.body.put("Measure", "BYTES").put("Limit", MAX_CONTENT).put("Size", x.body.length);
      throw tooLarge;
    }
    String latest = x.header("Latest-Version-Number");
    FakeAppConfigState.HostedVersion v =
        state.createVersion(
            applicationId,
            profileId,
            x.body,
            contentType,
            x.header("Description"),
            x.header("VersionLabel"),
            latest == null ? null : number(latest));
    hostedVersion(x, 201, applicationId, profileId, v);
  }

  private static void hostedVersion(
      FakeExchange x,
      int status,
      String applicationId,
      String profileId,
      FakeAppConfigState.HostedVersion v) {
    x.status = status;
    x.responseBody = v.content();
    x.responseHeaders.put("Application-Id", applicationId);
    x.responseHeaders.put("Configuration-Profile-Id", profileId);
    x.responseHeaders.put("Version-Number", Integer.toString(v.number()));
    x.responseHeaders.put("Content-Type", v.contentType());
    if (v.description() != null) {
      x.responseHeaders.put("Description", v.description());
    }
    if (v.label() != null) {
      x.responseHeaders.put("VersionLabel", v.label());
    }
  }

  private static ObjectNode versionSummary(
      String applicationId, String profileId, FakeAppConfigState.HostedVersion v) {
    ObjectNode json =
        FakeExchange.JSON
            .createObjectNode()
            .put("ApplicationId", applicationId)
            .put("ConfigurationProfileId", profileId)
            .put("VersionNumber", v.number())
            .put("ContentType", v.contentType());
    if (v.description() != null) {
      json.put("Description", v.description());
    }
    if (v.label() != null) {
      json.put("VersionLabel", v.label());
    }
    return json;
  }

  private void createStrategy(FakeExchange x) {
    JsonNode b = x.jsonBody();
    int duration = b.path("DeploymentDurationInMinutes").asInt(-1);
    int bake = b.path("FinalBakeTimeInMinutes").asInt(0);
    double growth = b.path("GrowthFactor").asDouble(-1);
    if (!b.path("Name").isTextual()
        || duration < 0
        || duration > 1440
        || bake < 0
        || bake > 1440
        || growth < 1
        || growth > 100) {
      throw AwsError.badRequest(
          "Name, DeploymentDurationInMinutes (0-1440), GrowthFactor (1-100) and"
              + " FinalBakeTimeInMinutes (0-1440) are required");
    }
    FakeStrategy created =
        state.createStrategy(
            b.get("Name").asText(),
            duration,
            (float) growth,
            b.path("GrowthType").asText("LINEAR"),
            bake);
    x.json(201, created.toJson());
  }

  /** {@code max_results} / {@code next_token} paging over {@code Items}. */
  private static <T> void page(FakeExchange x, List<T> all, Function<T, ObjectNode> json) {
    int max = x.query.containsKey("max_results") ? number(x.query.get("max_results")) : 50;
    int from = x.query.containsKey("next_token") ? number(x.query.get("next_token")) : 0;
    ObjectNode body = FakeExchange.JSON.createObjectNode();
    ArrayNode items = body.putArray("Items");
    for (int i = from; i < Math.min(all.size(), from + max); i++) {
      items.add(json.apply(all.get(i)));
    }
    if (from + max < all.size()) {
      body.put("NextToken", Integer.toString(from + max));
    }
    x.json(200, body);
  }

  private static int number(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw AwsError.badRequest("'" + text + "' is not a number");
    }
  }
}
