package dev.llmrollout.launchdarkly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.BackendFactory;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.WriteBackException;
import dev.openfeature.sdk.ImmutableContext;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backend is found by type through ServiceLoader and configured from options and the
 * environment.
 */
class LaunchDarklyBackendFactoryTest {
  private LocalLaunchDarklyHarness harness;

  @BeforeEach
  void open() throws Exception {
    harness = new LocalLaunchDarklyHarness();
    harness.publish(FlagSpec.canarySplit("support-model", 50));
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void serviceLoaderOpensAWorkingBackendAndWriteBackFromEnvironmentVariables() {
    Map<String, String> env =
        Map.of(
            "LD_SDK_KEY", LocalLaunchDarklyHarness.SDK_KEY,
            "LD_ACCESS_TOKEN", LocalLaunchDarklyHarness.WRITER_TOKEN,
            "LD_PROJECT_KEY", LocalLaunchDarklyHarness.PROJECT,
            "LD_ENVIRONMENT_KEY", LocalLaunchDarklyHarness.ENVIRONMENT);
    BackendFactory.Backend backend =
        factory()
            .open(
                Map.of("base-uri", harness.server.uri().toString(), "send-events", "false"),
                env::get);
    try {
      backend.flags().start(new BackendListener() {}, Duration.ofSeconds(5));
      assertThat(backend.flags().flagKeys()).containsExactly("support-model");
      assertThat(
              backend.flags().resolve("support-model", new ImmutableContext("u1")).variant().name())
          .isIn("stable", "canary");
      assertThat(
              backend
                  .control()
                  .kill("support-model", "stable", ChangeRequest.because("factory"))
                  .killed())
          .isTrue();
    } finally {
      backend.flags().close();
    }
  }

  @Test
  void withoutAnSdkKeyOpeningFailsNamingTheVariable() {
    assertThatThrownBy(() -> factory().open(Map.of(), name -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LD_SDK_KEY");
  }

  @Test
  void withoutAnAccessTokenWriteBackSaysHowToEnableIt() {
    BackendFactory.Backend backend =
        factory()
            .open(
                Map.of("base-uri", harness.server.uri().toString()),
                Map.of("LD_SDK_KEY", LocalLaunchDarklyHarness.SDK_KEY)::get);
    assertThatThrownBy(() -> backend.control().state("support-model"))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.PERMISSION_DENIED);
              assertThat(e.getMessage()).contains("LD_ACCESS_TOKEN");
            });
  }

  @Test
  void aTokenWithoutProjectAndEnvironmentAndABadUriAreRejectedNamingTheSetting() {
    assertThatThrownBy(
            () -> factory().open(Map.of(), Map.of("LD_SDK_KEY", "k", "LD_ACCESS_TOKEN", "t")::get))
        .hasMessageContaining("project")
        .hasMessageContaining("environment");
    assertThatThrownBy(
            () -> factory().open(Map.of("base-uri", "not a uri"), Map.of("LD_SDK_KEY", "k")::get))
        .hasMessageContaining("base-uri");
  }

  private static BackendFactory factory() {
    return ServiceLoader.load(BackendFactory.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(f -> f.type().equals("launchdarkly"))
        .findFirst()
        .orElseThrow();
  }
}
