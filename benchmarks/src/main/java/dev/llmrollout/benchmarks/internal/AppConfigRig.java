package dev.llmrollout.benchmarks.internal;

import dev.llmrollout.appconfig.fake.LocalAppConfig;
import dev.llmrollout.spi.BackendFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.appconfig.AppConfigClient;
import software.amazon.awssdk.services.appconfig.model.GrowthType;

/**
 * The local AppConfig the adapter's tests run (control plane and data plane in their REST-JSON wire
 * format, SigV4 required, from the adapters-appconfig test-jar) with one application, environment
 * and freeform profile holding the benchmark's split flag in flagd form, deployed as a console user
 * would. Backends and controls are opened through the {@code appconfig} {@link BackendFactory} from
 * an environment map, as {@code llm-router} opens them.
 */
public final class AppConfigRig implements AutoCloseable {
  // Loopback placeholders the local AppConfig checks signatures against; no AWS account is used.
  private static final String ACCESS_KEY = "BENCHMARK-LOCAL-ACCESS-KEY";
  private static final String SECRET_KEY = "benchmark-local-secret-not-a-real-one";

  private final LocalAppConfig appConfig;
  private final Map<String, String> environment = new HashMap<>();

  private AppConfigRig(LocalAppConfig appConfig) {
    this.appConfig = appConfig;
  }

  /**
   * Starts the local AppConfig, which tells every configuration session to poll every {@code
   * pollSeconds}, with version 1 of the flags deployed.
   */
  public static AppConfigRig start(int pollSeconds) throws Exception {
    AppConfigRig rig = new AppConfigRig(new LocalAppConfig(ACCESS_KEY, pollSeconds));
    try {
      rig.deployFirstVersion();
      return rig;
    } catch (RuntimeException e) {
      rig.close();
      throw e;
    }
  }

  private void deployFirstVersion() {
    String application = appConfig.createApplication("llm-support-bot");
    String env = appConfig.createEnvironment(application, "production");
    String profile = appConfig.createProfile(application, "model-flags", false);
    environment.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    environment.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    environment.put("AWS_REGION", "us-east-1");
    environment.put("APPCONFIG_APPLICATION_ID", application);
    environment.put("APPCONFIG_ENVIRONMENT_ID", env);
    environment.put("APPCONFIG_PROFILE_ID", profile);
    environment.put("APPCONFIG_DATA_ENDPOINT", appConfig.endpoint().toString());
    environment.put("APPCONFIG_CONTROL_ENDPOINT", appConfig.endpoint().toString());
    environment.put("APPCONFIG_FORMAT", "flagd");
    try (AppConfigClient console =
        AppConfigClient.builder()
            .endpointOverride(appConfig.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      String strategy =
          console
              .createDeploymentStrategy(
                  b ->
                      b.name("console-immediate")
                          .deploymentDurationInMinutes(0)
                          .finalBakeTimeInMinutes(0)
                          .growthFactor(100f)
                          .growthType(GrowthType.LINEAR))
              .id();
      int version =
          console
              .createHostedConfigurationVersion(
                  b ->
                      b.applicationId(application)
                          .configurationProfileId(profile)
                          .content(SdkBytes.fromString(flagdDocument(), StandardCharsets.UTF_8))
                          .contentType("application/json"))
              .versionNumber();
      console.startDeployment(
          b ->
              b.applicationId(application)
                  .environmentId(env)
                  .configurationProfileId(profile)
                  .configurationVersion(Integer.toString(version))
                  .deploymentStrategyId(strategy));
    }
  }

  /**
   * The split flag in the flagd form the AppConfig backend reads: a bare 90/10 {@code fractional}
   * split (the backend evaluates no other JSON Logic) and the safe variant.
   */
  private static String flagdDocument() {
    return "{\"flags\": {\""
        + BenchFlags.SPLIT_FLAG
        + "\": {\"state\": \"ENABLED\", \"defaultVariant\": \"stable\", \"variants\": {"
        + "\"stable\": "
        + BenchFlags.STABLE_JSON
        + ", \"canary\": "
        + BenchFlags.CANARY_JSON
        + ", \""
        + KillSwitchTrials.SAFE_VARIANT
        + "\": "
        + BenchFlags.variantJson("bench-safe", "1.0.0", "")
        + "}, \"targeting\": {\"fractional\": [[\"stable\", 90], [\"canary\", 10]]}}}}";
  }

  /** Opens the backend and its rollout control as {@code llm-router} does. */
  public BackendFactory.Backend open() {
    BackendFactory factory =
        ServiceLoader.load(BackendFactory.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(f -> f.type().equals("appconfig"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no appconfig BackendFactory"));
    return factory.open(Map.of(), environment::get);
  }

  @Override
  public void close() {
    appConfig.close();
  }
}
