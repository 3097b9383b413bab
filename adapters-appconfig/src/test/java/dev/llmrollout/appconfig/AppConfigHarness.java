package dev.llmrollout.appconfig;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.llmrollout.appconfig.fake.LocalAppConfig;
import dev.llmrollout.appconfig.internal.RolloutRecords;
import dev.llmrollout.contract.BackendHarness;
import dev.llmrollout.contract.Capabilities;
import dev.llmrollout.contract.Capability;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.BackendFactory;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.RolloutControl;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.appconfig.AppConfigClient;
import software.amazon.awssdk.services.appconfig.model.GrowthType;

/**
 * A local AppConfig with one application, environment and profile, reached by backends opened
 * through the {@code appconfig} {@link BackendFactory} (found by ServiceLoader) from an
 * environment-like map, as the CLI would. {@link #publish} acts as a user in the console: a new
 * hosted version deployed at once.
 */
final class AppConfigHarness implements BackendHarness, AutoCloseable {
  static final String ACCESS_KEY = "LOCAL-TEST-ACCESS-KEY";
  static final String SECRET_KEY = "local-test-secret-not-a-real-one";

  /** The interval the local AppConfig hands out: one second, so tests propagate quickly. */
  static final int POLL_SECONDS = 1;

  final DocumentFormat format;
  final LocalAppConfig appConfig;
  final String applicationId;
  final String environmentId;
  final String profileId;
  final AppConfigClient console;
  private final String consoleStrategy;
  private final Map<String, FlagSpec> flags = new LinkedHashMap<>();
  private final Map<String, Boolean> malformed = new LinkedHashMap<>();
  private final List<FlagBackend> backends = new CopyOnWriteArrayList<>();

  AppConfigHarness(DocumentFormat format) throws Exception {
    this.format = format;
    this.appConfig = new LocalAppConfig(ACCESS_KEY, POLL_SECONDS);
    this.applicationId = appConfig.createApplication("llm-support-bot");
    this.environmentId = appConfig.createEnvironment(applicationId, "production");
    this.profileId =
        appConfig.createProfile(
            applicationId, "model-flags", format == DocumentFormat.FEATURE_FLAGS);
    this.console =
        AppConfigClient.builder()
            .endpointOverride(appConfig.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
    this.consoleStrategy =
        console
            .createDeploymentStrategy(
                b ->
                    b.name("console-immediate")
                        .deploymentDurationInMinutes(0)
                        .finalBakeTimeInMinutes(0)
                        .growthFactor(100f)
                        .growthType(GrowthType.LINEAR))
            .id();
  }

  /** The console's zero-bake strategy. */
  String consoleStrategy() {
    return consoleStrategy;
  }

  /** What the CLI would find in its environment. */
  Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    env.put("AWS_REGION", "us-east-1");
    env.put("APPCONFIG_APPLICATION_ID", applicationId);
    env.put("APPCONFIG_ENVIRONMENT_ID", environmentId);
    env.put("APPCONFIG_PROFILE_ID", profileId);
    env.put("APPCONFIG_DATA_ENDPOINT", appConfig.endpoint().toString());
    env.put("APPCONFIG_CONTROL_ENDPOINT", appConfig.endpoint().toString());
    env.put("APPCONFIG_FORMAT", format == DocumentFormat.FLAGD ? "flagd" : "feature-flags");
    return env;
  }

  BackendFactory.Backend open() {
    return open(environment());
  }

  /** Opens a backend and control from {@code env}, as the CLI would from its environment. */
  BackendFactory.Backend open(Map<String, String> env) {
    BackendFactory factory =
        ServiceLoader.load(BackendFactory.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(f -> f.type().equals("appconfig"))
            .findFirst()
            .orElseThrow();
    BackendFactory.Backend backend = factory.open(Map.of(), env::get);
    backends.add(backend.flags());
    return backend;
  }

  @Override
  public void publish(FlagSpec flag) throws Exception {
    flags.put(flag.key(), flag);
    deploy("console: publish " + flag.key());
  }

  @Override
  public void publishMalformed(String flagKey) throws Exception {
    Map<String, com.fasterxml.jackson.databind.JsonNode> variants = new LinkedHashMap<>();
    variants.put("broken", JsonNodeFactory.instance.objectNode().put("temperature", 0.2));
    flags.put(flagKey, new FlagSpec(flagKey, variants, "broken", Map.of("broken", 100.0)));
    malformed.put(flagKey, true);
    deploy("console: publish " + flagKey);
  }

  /** Stores the flags as a new hosted version and deploys it with a zero-bake strategy. */
  int deploy(String description) throws Exception {
    return deployContent(render(), consoleStrategy, description);
  }

  /** Changes a flag in the console's copy without deploying it (see {@link #render}). */
  void flagsForConsole(FlagSpec flag) {
    flags.put(flag.key(), flag);
  }

  /** The console's copy of the flags as stored content. */
  byte[] render() throws Exception {
    return FlagDocuments.render(format, flags.values());
  }

  int deployContent(byte[] content, String strategyId, String description) {
    int version =
        console
            .createHostedConfigurationVersion(
                b ->
                    b.applicationId(applicationId)
                        .configurationProfileId(profileId)
                        .content(SdkBytes.fromByteArray(content))
                        .contentType("application/json")
                        .description(description))
            .versionNumber();
    console.startDeployment(
        b ->
            b.applicationId(applicationId)
                .environmentId(environmentId)
                .configurationProfileId(profileId)
                .configurationVersion(Integer.toString(version))
                .deploymentStrategyId(strategyId)
                .description(description));
    return version;
  }

  @Override
  public FlagBackend newBackend() {
    return open().flags();
  }

  @Override
  public RolloutControl rolloutControl() {
    return open().control();
  }

  /** The data plane answers 500 to every running backend until {@link #reconnectSource}. */
  @Override
  public void cutSource() {
    appConfig.outage(LocalAppConfig.Plane.DATA);
  }

  @Override
  public void reconnectSource() {
    appConfig.recover(LocalAppConfig.Plane.DATA);
  }

  /** A backend whose AppConfigData endpoint is a loopback port nobody listens on. */
  @Override
  public FlagBackend unreachableBackend() throws Exception {
    Map<String, String> env = environment();
    env.put("APPCONFIG_DATA_ENDPOINT", "http://127.0.0.1:" + closedPort());
    return open(env).flags();
  }

  /** A control signing with an access key AWS does not know: 403 UnrecognizedClientException. */
  @Override
  public RolloutControl controlWithRejectedCredentials() {
    Map<String, String> env = environment();
    env.put("AWS_ACCESS_KEY_ID", "test-unknown-access-key");
    return open(env).control();
  }

  /** A control signing as an IAM user whose policy allows reading only: 403 AccessDenied. */
  @Override
  public RolloutControl controlWithoutWriteRights() {
    appConfig.addIdentity(
        READ_ONLY_ACCESS_KEY,
        "read-only-operator",
        "appconfig:CreateHostedConfigurationVersion",
        "appconfig:StartDeployment",
        "appconfig:StopDeployment",
        "appconfig:CreateDeploymentStrategy");
    Map<String, String> env = environment();
    env.put("AWS_ACCESS_KEY_ID", READ_ONLY_ACCESS_KEY);
    return open(env).control();
  }

  /** The variable naming the identity AWS signs as (with its secret, or AWS_PROFILE). */
  @Override
  public String credentialVariable() {
    return "AWS_ACCESS_KEY_ID";
  }

  private static final String READ_ONLY_ACCESS_KEY = "test-read-only-access-key";

  private static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, null)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public Duration propagationTimeout() {
    return Duration.ofSeconds(10);
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.all()
        .without(
            Capability.LAST_KNOWN_GOOD_AT_START,
            "the AppConfig backend keeps no local copy of the configuration (only the AppConfig"
                + " Agent caches one): unreachable at start, it has nothing to serve");
  }

  /** The flag's attribute value (feature flags) or metadata entry (flagd). */
  @Override
  public RecordLimit rolloutRecordLimit(String flagKey) {
    String field =
        format == DocumentFormat.FEATURE_FLAGS
            ? "values." + flagKey + ".rolloutRecord"
            : "flags." + flagKey + ".metadata.rolloutRecord";
    return new RecordLimit(field, RolloutRecords.MAX_CHARS);
  }

  /** Opened in another JVM through the {@code appconfig} factory from the same environment. */
  @Override
  public FactoryLaunch factoryLaunch() {
    return new FactoryLaunch("appconfig", Map.of(), environment());
  }

  @Override
  public void close() {
    backends.forEach(FlagBackend::close);
    console.close();
    appConfig.close();
  }
}
