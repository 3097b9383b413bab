package dev.llmrollout.router.gateway;

import dev.llmrollout.router.EndpointConfigException;
import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.VariantPayload;
import dev.llmrollout.spi.VariantValidator;
import dev.llmrollout.variant.InvalidVariantException;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.ImmutableContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, offline, that a flags source and an endpoints file can be served together: the flags load
 * (schema, targeting operators, variant payloads: the backend's own load-time validation), every
 * variant's endpoint is configured ({@link EndpointRegistry#variantValidator()}, which the
 * local-file backend also applies to every hot-reloaded edit), and every endpoint's key variable is
 * set. {@code llm-router validate} prints the problems; {@code llm-router serve} refuses to start
 * on any.
 */
public final class ConfigCheck {
  /** The backend's messages read "flag 'k': at $.path: expected ...". */
  private static final Pattern FLAG_MESSAGE =
      Pattern.compile(
          "flag '([^']*)'(?: variant '([^']*)')?: at \\$(\\S*): expected (.*)", Pattern.DOTALL);

  private static final Pattern UNSET_KEY =
      Pattern.compile("endpoint '([^']*)': environment variable (\\S+) \\(apiKeyEnv\\) is not set");

  private ConfigCheck() {}

  /**
   * One problem.
   *
   * @param flag the flag it is in, or the file when it is not in a flag
   * @param path the JSON path in the flag or file ({@code $} for the whole)
   * @param expected what was expected, and what was found
   */
  public record Problem(String flag, String path, String expected) {
    @Override
    public String toString() {
      return flag + " at " + path + ": expected " + expected;
    }
  }

  /** Problems of the endpoints file: unreadable, malformed, or a key variable not set. */
  public static List<Problem> endpoints(Path file, Function<String, String> environment) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of(
          new Problem(file.toString(), "$", "a readable endpoints file (" + e.getMessage() + ")"));
    }
    try {
      EndpointRegistry.parse(text, file.toString(), environment);
      return List.of();
    } catch (EndpointConfigException e) {
      return List.of(endpointProblem(file.toString(), e.getMessage()));
    }
  }

  private static Problem endpointProblem(String source, String message) {
    String withoutSource =
        message.startsWith(source + ": ") ? message.substring(source.length() + 2) : message;
    Matcher unset = UNSET_KEY.matcher(withoutSource);
    if (unset.matches()) {
      return new Problem(
          source,
          "$.endpoints." + unset.group(1) + ".apiKeyEnv",
          "the environment variable "
              + unset.group(2)
              + " to be set (export it before starting; its value is never printed)");
    }
    return new Problem(source, "$.endpoints", withoutSource);
  }

  /**
   * The endpoints the file configures, whether or not their key variables are set (so that a
   * missing key and a variant naming an unknown endpoint are reported separately); empty when the
   * file cannot be read.
   */
  public static Optional<EndpointRegistry> configuredEndpoints(Path file) {
    try {
      return Optional.of(
          EndpointRegistry.parse(
              Files.readString(file, StandardCharsets.UTF_8), file.toString(), name -> "set"));
    } catch (IOException | EndpointConfigException e) {
      return Optional.empty();
    }
  }

  /**
   * Problems of the flags a started backend serves: a flag the backend rejected (its own
   * validation, and the validator when the backend applies it), then every variant the validator
   * rejects (for backends that do not apply it).
   *
   * @param validator the application's check of each variant, such as {@link
   *     EndpointRegistry#variantValidator()}
   * @param defaultFlag the gateway's default flag, which must exist
   */
  public static List<Problem> flags(
      FlagBackend flags,
      RolloutControl control,
      VariantValidator validator,
      Optional<String> defaultFlag) {
    List<Problem> problems = new ArrayList<>();
    Set<String> keys = new TreeSet<>(flags.flagKeys());
    defaultFlag
        .filter(key -> !keys.contains(key))
        .ifPresent(
            key ->
                problems.add(
                    new Problem(
                        key, "--default-flag", "a flag the source defines, one of " + keys)));
    for (String key : keys) {
      Resolution probe = flags.resolve(key, new ImmutableContext("llm-router-validate"));
      if (probe.errorCode() == ErrorCode.PARSE_ERROR) {
        problems.add(parsed(key, probe.errorMessage()));
        continue;
      }
      for (String variant : control.state(key).variants()) {
        Optional<VariantPayload> payload = flags.variant(key, variant);
        try {
          if (payload.isPresent()) {
            validator.check(payload.get());
          }
        } catch (InvalidVariantException e) {
          problems.add(parsed(key, e.getMessage()));
        }
      }
    }
    return problems;
  }

  private static Problem parsed(String key, String message) {
    Matcher m = FLAG_MESSAGE.matcher(message == null ? "" : message);
    if (!m.matches()) {
      return new Problem(key, "$", "a valid flag definition (" + message + ")");
    }
    String path = (m.group(2) == null ? "$" : "$.variants." + m.group(2)) + m.group(3);
    return new Problem(key, path, m.group(4));
  }
}
