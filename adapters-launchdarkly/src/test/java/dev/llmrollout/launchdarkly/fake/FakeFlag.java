package dev.llmrollout.launchdarkly.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One flag in the local LaunchDarkly: its variations as the REST API shows them ({@code _id},
 * {@code name}, {@code value}) and one environment's targeting in LaunchDarkly's flag JSON ({@code
 * on}, {@code offVariation}, {@code fallthrough}, {@code targets}, {@code contextTargets}, {@code
 * rules}, {@code prerequisites}, {@code salt}). The SDK sees {@link #sdkJson()}, the REST API
 * {@link #restJson(String)}.
 *
 * <p>Two counters, as LaunchDarkly keeps them: the environment's flag {@link #version()} (the SDK's
 * flag version, {@code environments.<env>.version} in REST), which moves when that environment's
 * targeting or the variations change; and the flag's {@link #flagVersion()} ({@code _version}),
 * which also moves for flag-level edits such as the description.
 */
public final class FakeFlag {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final long CREATED = 1_700_000_000_000L;

  /** A variation as the REST API lists it. */
  public record Variation(String id, String name, JsonNode value) {}

  private final String key;
  private final List<Variation> variations;
  private final ObjectNode targeting;
  private final ObjectNode settings;
  private final int version;
  private final int flagVersion;

  /** The flag-level fields a patch may edit, as {@code FeatureFlag} names them. */
  static final List<String> SETTINGS =
      List.of("name", "description", "tags", "temporary", "customProperties");

  private FakeFlag(
      String key,
      List<Variation> variations,
      ObjectNode targeting,
      ObjectNode settings,
      int version,
      int flagVersion) {
    this.key = key;
    this.variations = List.copyOf(variations);
    this.targeting = targeting.deepCopy();
    this.settings = settings.deepCopy();
    this.version = version;
    this.flagVersion = flagVersion;
  }

  /**
   * A flag that is on, serves a percentage rollout by context key from its default rule, and serves
   * {@code offVariation} when off.
   *
   * @param variations name to value, in order
   * @param weights name to weight in 1/100000 (names not listed get no share)
   */
  public static FakeFlag rollout(
      String key,
      Map<String, JsonNode> variations,
      String offVariation,
      Map<String, Integer> weights) {
    List<Variation> list = new ArrayList<>();
    variations.forEach(
        (name, value) -> list.add(new Variation(UUID.randomUUID().toString(), name, value)));
    FakeFlag flag = new FakeFlag(key, list, JSON.createObjectNode(), defaultSettings(key), 1, 1);
    ObjectNode targeting = JSON.createObjectNode();
    targeting.put("on", true);
    targeting.put("salt", UUID.randomUUID().toString().replace("-", ""));
    targeting.put("offVariation", flag.indexOf(offVariation));
    targeting.set("fallthrough", flag.rolloutOf(weights, "user", "key"));
    targeting.putArray("targets");
    targeting.putArray("contextTargets");
    targeting.putArray("rules");
    targeting.putArray("prerequisites");
    return flag.withTargeting(targeting);
  }

  public String key() {
    return key;
  }

  public int version() {
    return version;
  }

  public int flagVersion() {
    return flagVersion;
  }

  public List<Variation> variations() {
    return variations;
  }

  /** The environment's targeting, a copy to edit and pass to {@link #withTargeting}. */
  public ObjectNode targeting() {
    return targeting.deepCopy();
  }

  public int indexOf(String name) {
    for (int i = 0; i < variations.size(); i++) {
      if (variations.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("flag '" + key + "' has no variation named '" + name + "'");
  }

  public int indexOfId(String id) {
    for (int i = 0; i < variations.size(); i++) {
      if (variations.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  public FakeFlag withTargeting(ObjectNode newTargeting) {
    return new FakeFlag(key, variations, newTargeting, settings, version, flagVersion);
  }

  public FakeFlag withVersion(int newVersion) {
    return new FakeFlag(key, variations, targeting, settings, newVersion, flagVersion);
  }

  public FakeFlag withFlagVersion(int newFlagVersion) {
    return new FakeFlag(key, variations, targeting, settings, version, newFlagVersion);
  }

  /** The flag-level settings, a copy to edit and pass to {@link #withSettings}. */
  public ObjectNode settings() {
    return settings.deepCopy();
  }

  public FakeFlag withSettings(ObjectNode newSettings) {
    return new FakeFlag(key, variations, targeting, newSettings, version, flagVersion);
  }

  private static ObjectNode defaultSettings(String key) {
    ObjectNode settings = JSON.createObjectNode();
    settings.put("name", key);
    settings.put("description", "");
    settings.putArray("tags");
    settings.put("temporary", false);
    settings.putObject("customProperties");
    return settings;
  }

  /** Whether SDKs would evaluate {@code other} as this: same variations and targeting. */
  public boolean servesAs(FakeFlag other) {
    return variations.equals(other.variations) && targeting.equals(other.targeting);
  }

  /** Whether {@code other} is the same flag, whatever the versions. */
  public boolean sameConfiguration(FakeFlag other) {
    return servesAs(other) && settings.equals(other.settings);
  }

  /** The same flag with variation {@code name}'s value replaced. */
  public FakeFlag withValue(String name, JsonNode value) {
    List<Variation> list = new ArrayList<>(variations);
    int i = indexOf(name);
    list.set(i, new Variation(list.get(i).id(), name, value));
    return new FakeFlag(key, list, targeting, settings, version, flagVersion);
  }

  /** A {@code {"rollout": ...}} default rule over variation names. */
  public ObjectNode rolloutOf(Map<String, Integer> weights, String contextKind, String bucketBy) {
    ObjectNode fallthrough = JSON.createObjectNode();
    ObjectNode rollout = fallthrough.putObject("rollout");
    rollout.put("kind", "rollout");
    rollout.put("contextKind", contextKind);
    rollout.put("bucketBy", bucketBy);
    ArrayNode list = rollout.putArray("variations");
    for (int i = 0; i < variations.size(); i++) {
      Integer weight = weights.get(variations.get(i).name());
      if (weight != null) {
        list.addObject().put("variation", i).put("weight", weight);
      }
    }
    return fallthrough;
  }

  /** The flag as the SDK's streaming and polling endpoints serve it. */
  public ObjectNode sdkJson() {
    ObjectNode flag = JSON.createObjectNode();
    flag.put("key", key);
    flag.put("version", version);
    flag.setAll(targeting);
    ArrayNode values = flag.putArray("variations");
    variations.forEach(v -> values.add(v.value()));
    flag.put("clientSide", false);
    flag.put("trackEvents", false);
    flag.put("trackEventsFallthrough", false);
    flag.putNull("debugEventsUntilDate");
    flag.put("deleted", false);
    return flag;
  }

  /** The flag as {@code GET /api/v2/flags/{project}/{flag}?env=} returns it. */
  public ObjectNode restJson(String environmentKey) {
    ObjectNode flag = JSON.createObjectNode();
    flag.put("key", key);
    flag.setAll(settings);
    flag.put("kind", "multivariate");
    flag.putObject("_links")
        .putObject("self")
        .put("href", "/api/v2/flags/default/" + key)
        .put("type", "application/json");
    flag.put("archived", false);
    flag.put("creationDate", CREATED);
    ObjectNode experiments = flag.putObject("experiments");
    experiments.put("baselineIdx", 0);
    experiments.putArray("items");
    flag.put("_version", flagVersion);
    ArrayNode list = flag.putArray("variations");
    variations.forEach(
        v -> list.addObject().put("_id", v.id()).put("name", v.name()).set("value", v.value()));
    ObjectNode env = flag.putObject("environments").putObject(environmentKey);
    env.setAll(targeting);
    env.put("version", version);
    env.put("_environmentName", environmentKey);
    env.put("archived", false);
    env.putObject("_site")
        .put("href", "/default/" + environmentKey + "/features/" + key)
        .put("type", "text/html");
    env.put("lastModified", CREATED);
    env.put("sel", "");
    env.put("trackEvents", false);
    env.put("trackEventsFallthrough", false);
    return flag;
  }
}
