package dev.llmrollout.appconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.BackendException;
import dev.llmrollout.spi.BackendFactory;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.FlagBackend;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code appconfig} factory: settings from options and environment, secrets never echoed. */
class AppConfigBackendFactoryTest {
  private AppConfigHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new AppConfigHarness(DocumentFormat.FLAGD);
    harness.publish(FlagSpec.canarySplit("support-model", 10));
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void aMissingSettingNamesTheOptionAndTheVariable() {
    Map<String, String> env = harness.environment();
    env.remove("APPCONFIG_PROFILE_ID");
    assertThatThrownBy(() -> new AppConfigBackendFactory().open(Map.of(), env::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("profile")
        .hasMessageContaining("APPCONFIG_PROFILE_ID");
  }

  @Test
  void anUnknownFormatIsRejectedWithTheChoices() {
    Map<String, String> env = harness.environment();
    env.put("APPCONFIG_FORMAT", "yaml");
    assertThatThrownBy(() -> new AppConfigBackendFactory().open(Map.of(), env::get))
        .hasMessageContaining("feature-flags, flagd or auto")
        .hasMessageContaining("yaml");
  }

  @Test
  void optionsWinOverTheEnvironmentAndAutoDetectsTheFormat() {
    Map<String, String> env = harness.environment();
    env.put("APPCONFIG_PROFILE_ID", "zzzz999");
    env.remove("APPCONFIG_FORMAT");
    BackendFactory.Backend backend =
        new AppConfigBackendFactory().open(Map.of("profile", harness.profileId), env::get);
    try (FlagBackend flags = backend.flags()) {
      flags.start(new BackendListener() {}, Duration.ofSeconds(5));
      assertThat(flags.flagKeys()).containsExactly("support-model");
    }
  }

  @Test
  void wrongCredentialsFailTheStartWithoutEchoingTheSecret() {
    Map<String, String> env = harness.environment();
    env.put("AWS_ACCESS_KEY_ID", "LOCAL-WRONG-ACCESS-KEY");
    env.put("AWS_SECRET_ACCESS_KEY", "very-secret-value-123");
    BackendFactory.Backend backend = new AppConfigBackendFactory().open(Map.of(), env::get);
    try (FlagBackend flags = backend.flags()) {
      assertThatThrownBy(() -> flags.start(new BackendListener() {}, Duration.ofSeconds(5)))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("UnrecognizedClientException")
          .satisfies(e -> assertThat(stackText(e)).doesNotContain("very-secret-value-123"));
    }
  }

  @Test
  void anUnknownProfileIsNotFoundOnStartAndOnWriteBack() {
    Map<String, String> env = harness.environment();
    env.put("APPCONFIG_PROFILE_ID", "zzzz999");
    BackendFactory.Backend backend = new AppConfigBackendFactory().open(Map.of(), env::get);
    try (FlagBackend flags = backend.flags()) {
      assertThatThrownBy(() -> flags.start(new BackendListener() {}, Duration.ofSeconds(5)))
          .hasMessageContaining("ResourceNotFoundException");
    }
    assertThatThrownBy(() -> backend.control().state("support-model"))
        .isInstanceOfSatisfying(
            dev.llmrollout.spi.WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(dev.llmrollout.spi.WriteBackException.Kind.NOT_FOUND);
              assertThat(e.getMessage()).contains("support-model", "zzzz999");
            });
  }

  private static String stackText(Throwable e) {
    java.io.StringWriter out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }
}
