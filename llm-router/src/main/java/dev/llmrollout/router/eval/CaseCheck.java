package dev.llmrollout.router.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One thing an answer must satisfy. {@link #failure} says why an answer fails the check, or nothing
 * when it passes.
 */
public sealed interface CaseCheck {

  /** Why {@code answer} fails this check; empty when it passes. */
  Optional<String> failure(Answer answer);

  /** The answer contains {@code text} (case-insensitive). */
  record Contains(String text) implements CaseCheck {
    @Override
    public Optional<String> failure(Answer answer) {
      return lower(answer.content()).contains(lower(text))
          ? Optional.empty()
          : Optional.of("does not contain '" + text + "'");
    }
  }

  /** The answer does not contain {@code text} (case-insensitive). */
  record NotContains(String text) implements CaseCheck {
    @Override
    public Optional<String> failure(Answer answer) {
      return lower(answer.content()).contains(lower(text))
          ? Optional.of("contains '" + text + "'")
          : Optional.empty();
    }
  }

  /** The regular expression is found somewhere in the answer. */
  record Matches(Pattern pattern) implements CaseCheck {
    @Override
    public Optional<String> failure(Answer answer) {
      return pattern.matcher(answer.content()).find()
          ? Optional.empty()
          : Optional.of("does not match /" + pattern.pattern() + "/");
    }
  }

  /** The answer is valid JSON and, when a schema is given, valid against it. */
  record ValidJson(Optional<JsonSchema> schema) implements CaseCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Optional<String> failure(Answer answer) {
      JsonNode node;
      try {
        node = JSON.readTree(answer.content().strip());
      } catch (IOException e) {
        node = null;
      }
      if (node == null || node.isMissingNode()) {
        return Optional.of("is not valid JSON");
      }
      if (schema.isEmpty()) {
        return Optional.empty();
      }
      Set<ValidationMessage> errors = schema.get().validate(node);
      return errors.isEmpty()
          ? Optional.empty()
          : Optional.of(
              "breaks the JSON Schema: "
                  + errors.stream()
                      .map(ValidationMessage::getMessage)
                      .sorted()
                      .limit(3)
                      .collect(Collectors.joining("; ")));
    }
  }

  /** The answer is not a refusal by the router's refusal patterns. */
  record NotRefusal() implements CaseCheck {
    @Override
    public Optional<String> failure(Answer answer) {
      return answer.refusal() ? Optional.of("is a refusal") : Optional.empty();
    }
  }

  /** The answer took at most {@code max}. */
  record MaxLatency(Duration max) implements CaseCheck {
    @Override
    public Optional<String> failure(Answer answer) {
      return answer.latency().compareTo(max) <= 0
          ? Optional.empty()
          : Optional.of(
              "took " + answer.latency().toMillis() + " ms, more than " + max.toMillis() + " ms");
    }
  }

  /** The answer used at most {@code max} output tokens (a check that fails without usage). */
  record MaxOutputTokens(long max) implements CaseCheck {
    @Override
    public Optional<String> failure(Answer answer) {
      if (answer.outputTokens() < 0) {
        return Optional.of("reported no token usage, so its " + max + " token limit is unknown");
      }
      return answer.outputTokens() <= max
          ? Optional.empty()
          : Optional.of("used " + answer.outputTokens() + " output tokens, more than " + max);
    }
  }

  private static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }
}
