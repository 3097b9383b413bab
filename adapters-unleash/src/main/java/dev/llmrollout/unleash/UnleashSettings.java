package dev.llmrollout.unleash;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Unleash. Build with {@link #builder(URI)}; the tokens come from environment
 * variables (see {@link UnleashBackendFactory}), never from files or flags.
 *
 * <pre>{@code
 * UnleashSettings settings = UnleashSettings.builder(URI.create("https://unleash.example/api"))
 *     .clientToken(System.getenv("UNLEASH_CLIENT_TOKEN"))
 *     .fetchInterval(Duration.ofSeconds(5))
 *     .build();
 * }</pre>
 *
 * <p>The fetch interval is the kill switch's propagation time: a rollback written to Unleash
 * reaches each running client on its next poll, so within one interval (plus Unleash's own cache
 * refresh, about a second). Unleash's default is 15 s; 5 s keeps a rollback under ~6 s for one
 * small request per client every 5 s (answered 304 when nothing changed). Shorter intervals cost
 * the server more requests; longer ones let a bad variant serve longer after a rollback.
 */
public final class UnleashSettings {
  private final URI apiUrl;
  private final String clientToken;
  private final String adminToken;
  private final String appName;
  private final String instanceId;
  private final String project;
  private final String environment;
  private final Duration fetchInterval;
  private final Path backupFile;
  private final boolean sendMetrics;
  private final boolean killTurnsEnvironmentOff;

  private UnleashSettings(Builder b) {
    this.apiUrl = b.apiUrl;
    this.clientToken = b.clientToken;
    this.adminToken = b.adminToken;
    this.appName = b.appName;
    this.instanceId = b.instanceId;
    this.project = b.project;
    this.environment = b.environment;
    this.fetchInterval = b.fetchInterval;
    this.backupFile =
        b.backupFile != null
            ? b.backupFile
            : Path.of(System.getProperty("java.io.tmpdir"), "unleash-" + appName + "-repo.json");
    this.sendMetrics = b.sendMetrics;
    this.killTurnsEnvironmentOff = b.killTurnsEnvironmentOff;
  }

  /**
   * Starts settings for the Unleash API at {@code apiUrl}, such as {@code
   * http://127.0.0.1:4242/api}.
   */
  public static Builder builder(URI apiUrl) {
    return new Builder(apiUrl);
  }

  public URI apiUrl() {
    return apiUrl;
  }

  /** The backend (client) token the SDK polls with. */
  public String clientToken() {
    return clientToken;
  }

  /**
   * The admin token or personal access token for write-back; null when write-back is not set up.
   */
  public String adminToken() {
    return adminToken;
  }

  public String appName() {
    return appName;
  }

  public String instanceId() {
    return instanceId;
  }

  public String project() {
    return project;
  }

  /** The environment the client token serves and the write-back changes. */
  public String environment() {
    return environment;
  }

  public Duration fetchInterval() {
    return fetchInterval;
  }

  /** Where the client keeps the last toggles it fetched, to serve them after a restart. */
  public Path backupFile() {
    return backupFile;
  }

  public boolean sendMetrics() {
    return sendMetrics;
  }

  /**
   * Whether a kill also turns the flag's environment off (everyone then gets the caller default).
   */
  public boolean killTurnsEnvironmentOff() {
    return killTurnsEnvironmentOff;
  }

  @Override
  public String toString() {
    return "UnleashSettings[" + apiUrl + ", project " + project + ", env " + environment + "]";
  }

  /** Builds {@link UnleashSettings}; every setter validates its argument. */
  public static final class Builder {
    private final URI apiUrl;
    private String clientToken;
    private String adminToken;
    private String appName = "llm-rollout";
    private String instanceId = "llm-rollout-" + ProcessHandle.current().pid();
    private String project = "default";
    private String environment = "development";
    private Duration fetchInterval = Duration.ofSeconds(5);
    private Path backupFile;
    private boolean sendMetrics = true;
    private boolean killTurnsEnvironmentOff;

    private Builder(URI apiUrl) {
      Objects.requireNonNull(apiUrl, "apiUrl");
      if (!"http".equals(apiUrl.getScheme()) && !"https".equals(apiUrl.getScheme())) {
        throw new IllegalArgumentException("apiUrl: expected an http(s) URL, got " + apiUrl);
      }
      String text = apiUrl.toString();
      this.apiUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    public Builder clientToken(String token) {
      this.clientToken = requireText(token, "clientToken");
      return this;
    }

    public Builder adminToken(String token) {
      this.adminToken = requireText(token, "adminToken");
      return this;
    }

    public Builder appName(String name) {
      this.appName = requireText(name, "appName");
      return this;
    }

    public Builder instanceId(String id) {
      this.instanceId = requireText(id, "instanceId");
      return this;
    }

    public Builder project(String name) {
      this.project = requireText(name, "project");
      return this;
    }

    public Builder environment(String name) {
      this.environment = requireText(name, "environment");
      return this;
    }

    /** How often the client polls for toggles; whole seconds, at least 1 (default 5 s). */
    public Builder fetchInterval(Duration interval) {
      if (interval.toSeconds() < 1 || interval.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException(
            "fetchInterval: expected whole seconds, at least 1, got " + interval);
      }
      this.fetchInterval = interval;
      return this;
    }

    public Builder backupFile(Path file) {
      this.backupFile = Objects.requireNonNull(file, "backupFile");
      return this;
    }

    public Builder sendMetrics(boolean send) {
      this.sendMetrics = send;
      return this;
    }

    public Builder killTurnsEnvironmentOff(boolean off) {
      this.killTurnsEnvironmentOff = off;
      return this;
    }

    public UnleashSettings build() {
      if (clientToken == null) {
        throw new IllegalArgumentException("clientToken: expected a backend token, got none");
      }
      return new UnleashSettings(this);
    }

    private static String requireText(String value, String field) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(field + ": expected a non-empty value");
      }
      return value;
    }
  }
}
