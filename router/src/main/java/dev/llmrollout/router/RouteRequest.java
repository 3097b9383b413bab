package dev.llmrollout.router;

import dev.llmrollout.variant.ChatMessage;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request to route: which flag picks the model (and optionally which flag picks the prompt),
 * who is asking, the conversation, and the values for the prompt's {@code {{var}}} placeholders.
 *
 * <pre>{@code
 * RouteRequest request = RouteRequest.builder("support-model")
 *     .promptFlag("support-prompt")
 *     .sessionId("s-42")
 *     .attribute("intent", "billing")
 *     .variable("product", "Acme Cloud")
 *     .userMessage("Why was I charged twice?")
 *     .build();
 * }</pre>
 *
 * <p>The targeting key is the session id, else the user id; a request id only labels logs and is
 * never used for targeting, so a user's requests stay on one variant.
 */
public final class RouteRequest {
  private final String modelFlag;
  private final Optional<String> promptFlag;
  private final Optional<String> sessionId;
  private final Optional<String> userId;
  private final Optional<String> requestId;
  private final Map<String, String> attributes;
  private final Map<String, String> variables;
  private final List<ChatMessage> messages;
  private final boolean jsonResponse;

  private RouteRequest(Builder builder) {
    this.modelFlag = builder.modelFlag;
    this.promptFlag = Optional.ofNullable(builder.promptFlag);
    this.sessionId = nonEmpty(builder.sessionId);
    this.userId = nonEmpty(builder.userId);
    this.requestId = nonEmpty(builder.requestId);
    this.attributes = Map.copyOf(builder.attributes);
    this.variables = Map.copyOf(builder.variables);
    this.messages = List.copyOf(builder.messages);
    this.jsonResponse = builder.jsonResponse;
  }

  private static Optional<String> nonEmpty(String value) {
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  public static Builder builder(String modelFlag) {
    return new Builder(modelFlag);
  }

  public String modelFlag() {
    return modelFlag;
  }

  public Optional<String> promptFlag() {
    return promptFlag;
  }

  public Optional<String> sessionId() {
    return sessionId;
  }

  public Optional<String> userId() {
    return userId;
  }

  /** A label for logs only, never used for targeting. */
  public Optional<String> requestId() {
    return requestId;
  }

  /** Context attributes for targeting and segments, such as tier, region or intent. */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** Values for the prompt's {@code {{var}}} placeholders. */
  public Map<String, String> variables() {
    return variables;
  }

  /** The conversation, appended after the prompt's messages. */
  public List<ChatMessage> messages() {
    return messages;
  }

  /** Whether the caller asks for a JSON answer. */
  public boolean jsonResponse() {
    return jsonResponse;
  }

  /** The session id, else the user id. */
  public Optional<String> targetingKey() {
    return sessionId.isPresent() ? sessionId : userId;
  }

  /** The OpenFeature evaluation context: the targeting key plus the attributes. */
  public EvaluationContext evaluationContext() {
    Map<String, Value> values = new HashMap<>();
    attributes.forEach((name, value) -> values.put(name, new Value(value)));
    return targetingKey()
        .<EvaluationContext>map(key -> new ImmutableContext(key, values))
        .orElseGet(() -> new ImmutableContext(values));
  }

  /** Builds a {@link RouteRequest}; only the model flag is required. */
  public static final class Builder {
    private final String modelFlag;
    private String promptFlag;
    private String sessionId;
    private String userId;
    private String requestId;
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final Map<String, String> variables = new LinkedHashMap<>();
    private final List<ChatMessage> messages = new ArrayList<>();
    private boolean jsonResponse;

    private Builder(String modelFlag) {
      if (modelFlag == null || modelFlag.isBlank()) {
        throw new IllegalArgumentException("modelFlag: expected a flag key");
      }
      this.modelFlag = modelFlag;
    }

    /** A second flag that picks the prompt, resolved with the same targeting key. */
    public Builder promptFlag(String flagKey) {
      if (flagKey == null || flagKey.isBlank()) {
        throw new IllegalArgumentException("promptFlag: expected a flag key");
      }
      this.promptFlag = flagKey;
      return this;
    }

    public Builder sessionId(String sessionId) {
      this.sessionId = sessionId;
      return this;
    }

    public Builder userId(String userId) {
      this.userId = userId;
      return this;
    }

    public Builder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    /**
     * A context attribute for targeting rules and segments. The targeting key is not one: it comes
     * from {@link #sessionId} or {@link #userId} only.
     */
    public Builder attribute(String name, String value) {
      if (EvaluationContext.TARGETING_KEY.equals(name)) {
        throw new IllegalArgumentException(
            "attribute 'targetingKey': set sessionId or userId; the targeting key is never taken"
                + " from other request fields");
      }
      attributes.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, name));
      return this;
    }

    public Builder variable(String name, String value) {
      variables.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, name));
      return this;
    }

    public Builder variables(Map<String, String> values) {
      values.forEach(this::variable);
      return this;
    }

    public Builder message(ChatMessage message) {
      messages.add(Objects.requireNonNull(message, "message"));
      return this;
    }

    public Builder userMessage(String content) {
      return message(new ChatMessage("user", content));
    }

    public Builder jsonResponse(boolean json) {
      this.jsonResponse = json;
      return this;
    }

    public RouteRequest build() {
      return new RouteRequest(this);
    }
  }
}
