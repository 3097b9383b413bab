package dev.llmrollout.unleash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.spi.BackendException;
import dev.llmrollout.spi.BackendFactory;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.WriteBackException;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Issue 6: the backend is found by type through ServiceLoader and configured from the env. */
class UnleashBackendFactoryTest {
  private static final Map<String, String> ENV =
      Map.of(
          "UNLEASH_URL", "http://127.0.0.1:4242/api/",
          "UNLEASH_CLIENT_TOKEN", "*:development.client-secret",
          "UNLEASH_ADMIN_TOKEN", "*:*.admin-secret",
          "UNLEASH_FETCH_INTERVAL", "2",
          "UNLEASH_ENVIRONMENT", "production");

  private static BackendFactory factory() {
    return ServiceLoader.load(BackendFactory.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(f -> f.type().equals("unleash"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void isRegisteredAsUnleashAndReadsItsSettingsFromTheEnvironment() {
    UnleashSettings settings = UnleashBackendFactory.settings(Map.of("project", "llm"), ENV::get);
    assertThat(factory()).isInstanceOf(UnleashBackendFactory.class);
    assertThat(settings.apiUrl()).hasToString("http://127.0.0.1:4242/api");
    assertThat(settings.fetchInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.environment()).isEqualTo("production");
    assertThat(settings.project()).isEqualTo("llm");
    assertThat(settings.toString()).doesNotContain("secret");

    BackendFactory.Backend backend = factory().open(Map.of(), ENV::get);
    assertThat(backend.flags()).isInstanceOf(UnleashBackend.class);
    assertThat(backend.control()).isInstanceOf(UnleashRolloutControl.class);
  }

  @Test
  void withoutAnAdminTokenEveryWriteSaysWhichVariableToSet() {
    BackendFactory.Backend backend =
        factory()
            .open(
                Map.of("url", "http://127.0.0.1:4242/api"),
                Map.of("UNLEASH_CLIENT_TOKEN", "t")::get);
    assertThatThrownBy(() -> backend.control().kill("f", "stable", ChangeRequest.because("x")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.PERMISSION_DENIED);
              assertThat(e.getMessage()).contains("UNLEASH_ADMIN_TOKEN");
            });
  }

  @Test
  void missingOrBadSettingsNameWhatIsExpected() {
    assertThatThrownBy(() -> factory().open(Map.of(), Map.<String, String>of()::get))
        .isInstanceOf(BackendException.class)
        .hasMessageContaining("UNLEASH_URL");
    assertThatThrownBy(
            () -> factory().open(Map.of("url", "http://h/api"), Map.<String, String>of()::get))
        .hasMessageContaining("UNLEASH_CLIENT_TOKEN");
    assertThatThrownBy(
            () ->
                factory()
                    .open(
                        Map.of("url", "http://h/api", "fetch-interval", "0"),
                        Map.of("UNLEASH_CLIENT_TOKEN", "t")::get))
        .hasMessageContaining("fetchInterval");
  }
}
