package dev.llmrollout.appconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.contract.FlagSpec;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.appconfig.model.BadRequestException;
import software.amazon.awssdk.services.appconfig.model.ConflictException;
import software.amazon.awssdk.services.appconfig.model.DeploymentState;
import software.amazon.awssdk.services.appconfigdata.AppConfigDataClient;
import software.amazon.awssdk.services.appconfigdata.model.GetLatestConfigurationResponse;
import software.amazon.awssdk.services.appconfigdata.model.InvalidParameterProblem;

/**
 * Issue 8, point 3: the local AppConfig behaves as the service models and documentation say, seen
 * through the real SDK clients: single-use tokens, poll-interval enforcement, empty bodies when
 * unchanged, deployments through DEPLOYING, BAKING and COMPLETE on the injected clock, and
 * StopDeployment's table.
 */
class LocalAppConfigTest {
  private AppConfigHarness harness;
  private LocalConsole console;
  private AppConfigDataClient data;

  @BeforeEach
  void start() throws Exception {
    harness = new AppConfigHarness(DocumentFormat.FEATURE_FLAGS);
    console = new LocalConsole(harness);
    harness.publish(FlagSpec.canarySplit("support-model", 10));
    data = console.dataClient();
  }

  @AfterEach
  void stop() {
    data.close();
    harness.close();
  }

  @Test
  void tokensAreSingleUseAndMustWaitForThePollInterval() throws Exception {
    String first = session();
    GetLatestConfigurationResponse full =
        data.getLatestConfiguration(b -> b.configurationToken(first));
    assertThat(full.configuration().asUtf8String())
        .contains("\"support-model\"", "\"enabled\":true");
    assertThat(full.contentType()).isEqualTo("application/json");
    assertThat(full.nextPollIntervalInSeconds()).isEqualTo(AppConfigHarness.POLL_SECONDS);

    assertThat(problem(() -> data.getLatestConfiguration(b -> b.configurationToken(first))))
        .isEqualTo(InvalidParameterProblem.EXPIRED);
    String next = full.nextPollConfigurationToken();
    assertThat(problem(() -> data.getLatestConfiguration(b -> b.configurationToken(next))))
        .isEqualTo(InvalidParameterProblem.POLL_INTERVAL_NOT_SATISFIED);
    assertThat(problem(() -> data.getLatestConfiguration(b -> b.configurationToken("bogus"))))
        .isEqualTo(InvalidParameterProblem.CORRUPTED);

    Thread.sleep(AppConfigHarness.POLL_SECONDS * 1000L + 50);
    GetLatestConfigurationResponse unchanged =
        data.getLatestConfiguration(b -> b.configurationToken(next));
    assertThat(unchanged.configuration().asByteArray()).isEmpty();
    assertThat(unchanged.contentType()).isNull();
  }

  @Test
  void deploymentsMoveWithTheClockAndStopFollowsTheDocumentedTable() throws Exception {
    int version = console.newVersion(null);
    int number = console.deploy(version, "AppConfig.Linear50PercentEvery30Seconds");
    assertThat(console.state(number)).isEqualTo(DeploymentState.DEPLOYING);
    assertThatThrownBy(() -> console.deploy(version, "AppConfig.AllAtOnce"))
        .isInstanceOf(ConflictException.class);

    harness.appConfig.clock().advance(Duration.ofMinutes(1));
    assertThat(console.state(number)).isEqualTo(DeploymentState.BAKING);
    harness.appConfig.clock().advance(Duration.ofMinutes(1));
    assertThat(console.state(number)).isEqualTo(DeploymentState.COMPLETE);

    assertThatThrownBy(() -> console.stop(number, false)).isInstanceOf(BadRequestException.class);
    assertThat(console.stop(number, true)).isEqualTo(DeploymentState.REVERTED);

    int slow = console.deploy(version, "AppConfig.Canary10Percent20Minutes");
    assertThat(console.stop(slow, false)).isEqualTo(DeploymentState.ROLLED_BACK);
  }

  /**
   * The error wire shape of Smithy's restJson1 protocol tests (smithy-aws-protocol-tests,
   * restJson1/errors.smithy), as AWS's Coral services send it: the status the model declares, an
   * {@code X-Amzn-Errortype} header naming the shape (a ':'-separated URI may follow), and a JSON
   * body holding the shape's members.
   */
  @Test
  void errorsAreSentInTheRestJson1WireShape() throws Exception {
    int version = console.newVersion(null);
    int baking = console.deploy(version, "AppConfig.AllAtOnce");
    HttpRequest stop =
        HttpRequest.newBuilder(
                harness
                    .appConfig
                    .endpoint()
                    .resolve(
                        "/applications/"
                            + harness.applicationId
                            + "/environments/"
                            + harness.environmentId
                            + "/deployments/"
                            + baking))
            .DELETE()
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential="
                    + AppConfigHarness.ACCESS_KEY
                    + "/20260105/us-east-1/appconfig/aws4_request, SignedHeaders=host, Signature=0")
            .build();

    HttpResponse<String> refused =
        HttpClient.newHttpClient().send(stop, HttpResponse.BodyHandlers.ofString());

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.headers().firstValue("x-amzn-ErrorType").orElseThrow())
        .matches("BadRequestException(:.*)?");
    assertThat(refused.headers().firstValue("x-amzn-RequestId")).isPresent();
    assertThat(refused.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode body = new ObjectMapper().readTree(refused.body());
    assertThat(body.path("Message").asText()).contains("BAKING");
    assertThat(body.fieldNames()).toIterable().isSubsetOf("Message", "Reason", "Details");
  }

  private String session() {
    return data.startConfigurationSession(
            b ->
                b.applicationIdentifier("llm-support-bot")
                    .environmentIdentifier("production")
                    .configurationProfileIdentifier("model-flags"))
        .initialConfigurationToken();
  }

  private InvalidParameterProblem problem(Runnable call) {
    try {
      call.run();
    } catch (software.amazon.awssdk.services.appconfigdata.model.BadRequestException e) {
      return e.details().invalidParameters().get("ConfigurationToken").problem();
    }
    throw new AssertionError("expected BadRequestException");
  }
}
