package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, point 1: the endpoints file, keys from named environment variables, clear errors naming
 * the endpoint and field, never a key's value.
 */
class EndpointRegistryTest {
  private static final String SECRET = "sk-live-never-print-me-0123456789";

  private static EndpointRegistry parse(String json, Map<String, String> env) {
    return EndpointRegistry.parse(json, "endpoints.json", env::get);
  }

  @Test
  void readsTheIssuesExampleFromAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("endpoints.json");
    Files.writeString(
        file,
        "{\"endpoints\": {\"stable-pool\": {\"baseUrl\":"
            + " \"http://127.0.0.1:9001\", \"apiKeyEnv\": \"STABLE_API_KEY\", \"timeoutMs\": 30000,"
            + " \"maxConcurrency\": 256}}}");

    EndpointRegistry registry = EndpointRegistry.load(file, Map.of("STABLE_API_KEY", SECRET)::get);

    assertThat(registry.names()).containsExactly("stable-pool");
    assertThat(registry.find("stable-pool").orElseThrow().completionsUri())
        .hasToString("http://127.0.0.1:9001/v1/chat/completions");
    assertThat(registry.find("stable-pool").orElseThrow().toString()).doesNotContain(SECRET);
  }

  @Test
  void anUnsetKeyVariableFailsTheLoadNamingTheVariableNotAValue() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"endpoints\": {\"stable-pool\": {\"baseUrl\":"
                        + " \"http://127.0.0.1:9001\", \"apiKeyEnv\": \"STABLE_API_KEY\"}}}",
                    Map.of()))
        .isInstanceOf(EndpointConfigException.class)
        .hasMessage(
            "endpoints.json: endpoint 'stable-pool': environment variable STABLE_API_KEY"
                + " (apiKeyEnv) is not set");
  }

  @Test
  void badFieldsAreRejectedNamingEndpointAndField() {
    Map<String, String> env = Map.of("K", SECRET);
    assertThatThrownBy(() -> parse("{\"endpoints\": {\"p\": {\"baseUrl\": \"ftp://x\"}}}", env))
        .hasMessageContaining("endpoint 'p': field 'baseUrl': expected an absolute http(s) URL");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"endpoints\": {\"p\": {\"baseUrl\": \"http://h\"," + " \"timeoutMs\": 0}}}",
                    env))
        .hasMessageContaining("endpoint 'p': field 'timeoutMs': expected a positive integer");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"endpoints\": {\"p\": {\"baseUrl\": \"http://h\","
                        + " \"apiKey\": \""
                        + SECRET
                        + "\"}}}",
                    env))
        .hasMessageContaining("endpoint 'p': unknown field 'apiKey'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
    assertThatThrownBy(
            () ->
                parse(
                    "{\"endpoints\": {\"p\": {\"baseUrl\": \"http://h\","
                        + " \"prices\": {\"m\": {\"inputPerMillion\": -1, \"outputPerMillion\": 1}}}}}",
                    env))
        .hasMessageContaining("field 'prices.m': field 'inputPerMillion'");
    assertThatThrownBy(() -> parse("{\"endpoints\": []}", env))
        .hasMessageContaining("at $.endpoints: expected an object");
    assertThatThrownBy(() -> parse("{not json", env))
        .hasMessageContaining("endpoints.json: expected a JSON document");
  }

  @Test
  void pricesPerModelGiveTheCostOfACall() {
    EndpointRegistry registry =
        parse(
            "{\"endpoints\": {\"p\": {\"baseUrl\": \"http://h:1\","
                + " \"prices\": {\"m\": {\"inputPerMillion\": 2.5, \"outputPerMillion\": 10}}}}}",
            Map.of());

    assertThat(registry.find("p").orElseThrow().price("m").orElseThrow().cost(1_000_000, 100_000))
        .isEqualTo(3.5);
    assertThat(registry.find("p").orElseThrow().price("other")).isEmpty();
  }

  @Test
  void aKeyThatCannotBeABearerTokenIsRejectedWithoutShowingIt() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"endpoints\": {\"p\": {\"baseUrl\": \"http://h\", \"apiKeyEnv\": \"K\"}}}",
                    Map.of("K", "sk-live never\nprint")))
        .hasMessageContaining("environment variable K (apiKeyEnv) holds characters")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("never"));
  }
}
