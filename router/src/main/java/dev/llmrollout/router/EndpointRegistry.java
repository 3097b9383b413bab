package dev.llmrollout.router;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.router.internal.Endpoint;
import dev.llmrollout.router.internal.EndpointFileReader;
import dev.llmrollout.spi.VariantValidator;
import dev.llmrollout.variant.InvalidVariantException;
import dev.llmrollout.variant.LlmVariant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The model endpoints a variant may name, read from {@code endpoints.json}. A flag only ever names
 * an endpoint; the URL and the key live here, the key in an environment variable.
 *
 * <pre>{@code
 * {"endpoints": {"stable-pool": {"baseUrl": "http://127.0.0.1:9001", "apiKeyEnv": "STABLE_API_KEY",
 *   "timeoutMs": 30000, "maxConcurrency": 256,
 *   "prices": {"gpt-4o-2024-08-06": {"inputPerMillion": 2.5, "outputPerMillion": 10.0}}}}}
 * }</pre>
 *
 * <pre>{@code
 * EndpointRegistry endpoints = EndpointRegistry.load(Path.of("endpoints.json"));
 * }</pre>
 *
 * <p>Keys are read once, when the file is loaded; a missing variable fails the load naming the
 * variable, never printing a value.
 */
public final class EndpointRegistry {
  private final Map<String, Endpoint> endpoints;

  private EndpointRegistry(Map<String, Endpoint> endpoints) {
    this.endpoints = Map.copyOf(endpoints);
  }

  /** Loads the file, reading keys from the process environment. */
  public static EndpointRegistry load(Path file) {
    return load(file, System::getenv);
  }

  /**
   * Loads the file, reading keys through {@code environment} (the process environment in
   * production, a map in tests).
   *
   * @throws EndpointConfigException naming the endpoint and field when the file is wrong
   */
  public static EndpointRegistry load(Path file, Function<String, String> environment) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EndpointConfigException(file + ": cannot be read: " + e.getMessage(), e);
    }
    return parse(text, file.toString(), environment);
  }

  /** Parses the file's text; {@code source} names it in error messages. */
  public static EndpointRegistry parse(
      String json, String source, Function<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    return new EndpointRegistry(
        new EndpointFileReader(new ObjectMapper(), environment).read(json, source));
  }

  /** The configured endpoint names. */
  public Set<String> names() {
    return endpoints.keySet();
  }

  /**
   * Rejects a variant naming an endpoint this registry does not configure: pass it to a backend
   * ({@code LocalFileBackend.validating}, {@code BackendFactory.open}) so that such an edit is
   * rejected instead of failing every request it routes with a configuration error.
   */
  public VariantValidator variantValidator() {
    Set<String> known = new TreeSet<>(endpoints.keySet());
    return payload -> {
      Optional<String> endpoint = payload.llm().flatMap(LlmVariant::endpoint);
      if (endpoint.isPresent() && !known.contains(endpoint.get())) {
        throw new InvalidVariantException(
            payload.flagKey(),
            payload.name(),
            "$.endpoint",
            "an endpoint configured in the endpoints file "
                + known
                + ", found '"
                + endpoint.get()
                + "'");
      }
    };
  }

  /** The endpoint named {@code name}, if configured. */
  Optional<Endpoint> find(String name) {
    return Optional.ofNullable(endpoints.get(name));
  }
}
