package dev.llmrollout.appconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.WriteBackException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, point 3: a 403 on write is a permission problem that names what to fix: IAM's
 * AccessDeniedException (the identity lacks an AppConfig action) and UnrecognizedClientException
 * (AWS does not know the access key), through the real SDK, never retried, never echoing a secret.
 */
class PermissionErrorsTest {
  private static final String FLAG = "support-model";

  private AppConfigHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new AppConfigHarness(DocumentFormat.FEATURE_FLAGS);
    harness.publish(FlagSpec.canarySplit(FLAG, 20));
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void anIdentityWithoutCreateHostedConfigurationVersionIsToldWhichActionToGrant() {
    RolloutControl control = harness.open().control();
    long creates = requests("POST", "/hostedconfigurationversions");
    harness.appConfig.deny("appconfig:CreateHostedConfigurationVersion");

    assertThatThrownBy(() -> control.kill(FLAG, "stable", ChangeRequest.because("incident")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.PERMISSION_DENIED);
              assertThat(e.getMessage())
                  .contains(
                      "flag '" + FLAG + "'",
                      "AccessDeniedException (403)",
                      "appconfig:CreateHostedConfigurationVersion",
                      "permission problem",
                      "AWS_ACCESS_KEY_ID",
                      "AWS_PROFILE")
                  .doesNotContain(AppConfigHarness.SECRET_KEY);
            });
    assertThat(requests("POST", "/hostedconfigurationversions")).isEqualTo(creates + 1);
  }

  @Test
  void anIdentityWithoutStartDeploymentIsToldSoAndNothingIsDeployed() {
    RolloutControl control = harness.open().control();
    int deployments = harness.appConfig.deployments(app(), env()).size();
    harness.appConfig.deny("appconfig:StartDeployment");

    assertThatThrownBy(() -> control.kill(FLAG, "stable", ChangeRequest.because("incident")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.PERMISSION_DENIED);
              assertThat(e.getMessage()).contains("appconfig:StartDeployment", "AWS_ACCESS_KEY_ID");
            });
    assertThat(harness.appConfig.deployments(app(), env())).hasSize(deployments);
    assertThat(control.state(FLAG).killed()).isFalse();
  }

  @Test
  void aReadOnlyIdentityReadsTheFlagButIsToldItMayNotWriteIt() {
    RolloutControl readOnly = harness.controlWithoutWriteRights();

    assertThat(readOnly.state(FLAG).weights()).containsEntry("canary", 20.0);
    assertThatThrownBy(() -> readOnly.kill(FLAG, "stable", ChangeRequest.because("incident")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.PERMISSION_DENIED);
              assertThat(e.getMessage())
                  .contains("user/read-only-operator", "appconfig:", "AWS_ACCESS_KEY_ID");
            });
    assertThat(harness.open().control().state(FLAG).killed()).isFalse();
  }

  @Test
  void anAccessKeyAwsDoesNotKnowIsReportedAsRefusedCredentialsNamingTheVariables() {
    RolloutControl control = harness.controlWithRejectedCredentials();

    assertThatThrownBy(
            () ->
                control.setWeights(
                    FLAG, Map.of("stable", 50.0, "canary", 50.0), ChangeRequest.because("step")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.PERMISSION_DENIED);
              assertThat(e.getMessage())
                  .contains(
                      "UnrecognizedClientException (403)",
                      "refused the credentials",
                      "AWS_ACCESS_KEY_ID",
                      "AWS_SECRET_ACCESS_KEY")
                  .doesNotContain(AppConfigHarness.SECRET_KEY);
            });
  }

  private long requests(String method, String pathEnd) {
    return harness.appConfig.requests().stream()
        .filter(r -> r.method().equals(method) && r.path().endsWith(pathEnd))
        .count();
  }

  private String app() {
    return harness.applicationId;
  }

  private String env() {
    return harness.environmentId;
  }
}
