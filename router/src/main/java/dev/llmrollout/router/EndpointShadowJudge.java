package dev.llmrollout.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.router.internal.ChatCompletionClient;
import dev.llmrollout.router.internal.ChatRequestBody;
import dev.llmrollout.router.internal.ChatResult;
import dev.llmrollout.router.internal.Endpoint;
import dev.llmrollout.variant.ChatMessage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link ShadowJudge} that asks a judge model, pinned by version, on a configured endpoint, to
 * compare the two answers on the configured rubric ({@link JudgeConfig}). The judge replies with
 * JSON {@code {"preferred": "A"|"B"|"tie", "score": -1..1, "reason": "..."}}; which answer is A is
 * randomised per pair, or each pair is asked in both orders and an order-dependent verdict becomes
 * a tie. An unparsable reply fails the verdict (counted, never a verdict for either side). Set it
 * up with {@link ModelRouterBuilder#judgeWithEndpoint(String, JudgeConfig)}.
 *
 * <p>As an {@link AnswerJudge} it scores one live answer on the same rubric with the same pinned
 * model: the reply is {@code {"score": 0..1, "reason": "..."}}; a reply without a score in that
 * range fails (counted, never a score).
 */
public final class EndpointShadowJudge implements ShadowJudge, AnswerJudge {
  static final String REPLY_FORMAT =
      "You compare two answers (A and B) to the same conversation. Reply with only a JSON object:"
          + " {\"preferred\": \"A\" or \"B\" or \"tie\", \"score\": a number from -1 (A is much"
          + " better) to 1 (B is much better), \"reason\": one short sentence}.";
  static final String SCORE_FORMAT =
      "You score one answer to a conversation on the rubric above. Reply with only a JSON object:"
          + " {\"score\": a number from 0 (fails the rubric) to 1 (meets it fully), \"reason\":"
          + " one short sentence}.";

  private final ChatCompletionClient client;
  private final Endpoint endpoint;
  private final JudgeConfig config;
  private final Executor executor;
  private final ObjectMapper json;

  EndpointShadowJudge(
      ChatCompletionClient client,
      Endpoint endpoint,
      JudgeConfig config,
      Executor executor,
      ObjectMapper json) {
    this.client = client;
    this.endpoint = endpoint;
    this.config = config;
    this.executor = executor;
    this.json = json;
  }

  @Override
  public CompletionStage<JudgeVerdict> judge(List<ChatMessage> request, ShadowRecord pair) {
    return CompletableFuture.supplyAsync(() -> decide(request, pair), executor);
  }

  @Override
  public CompletionStage<AnswerScore> score(List<ChatMessage> request, String answer) {
    return CompletableFuture.supplyAsync(() -> scoreNow(request, answer), executor);
  }

  private AnswerScore scoreNow(List<ChatMessage> request, String answer) {
    String question = "Conversation:\n" + conversation(request) + "\nAnswer:\n" + answer;
    JsonNode node = ask(SCORE_FORMAT, question);
    double score = node.path("score").asDouble();
    if (!(score >= 0 && score <= 1)) {
      throw new RoutingException(
          RoutingException.Kind.UNPARSABLE,
          "judge endpoint '" + endpoint.name() + "': the score " + score + " is not from 0 to 1");
    }
    return new AnswerScore(score, node.path("reason").asText(""), config.judgeId());
  }

  private JudgeVerdict decide(List<ChatMessage> request, ShadowRecord pair) {
    return switch (config.order()) {
      case RANDOMIZED -> ask(request, pair, ThreadLocalRandom.current().nextBoolean());
      case BOTH_ORDERS -> combine(ask(request, pair, false), ask(request, pair, true));
    };
  }

  /** Two verdicts in opposite orders: agreement stands, disagreement is a tie; scores average. */
  private JudgeVerdict combine(JudgeVerdict primaryFirst, JudgeVerdict shadowFirst) {
    boolean agree = primaryFirst.preferred().equals(shadowFirst.preferred());
    String reason =
        agree
            ? primaryFirst.reason()
            : "verdict changed with the order ("
                + primaryFirst.preferred()
                + " / "
                + shadowFirst.preferred()
                + "): tie";
    return new JudgeVerdict(
        agree ? primaryFirst.preferred() : "tie",
        (primaryFirst.score() + shadowFirst.score()) / 2,
        reason,
        config.judgeId());
  }

  /** Asks once; {@code shadowFirst} shows the shadow as A. The verdict is mapped back. */
  private JudgeVerdict ask(List<ChatMessage> request, ShadowRecord pair, boolean shadowFirst) {
    String a = shadowFirst ? pair.shadow().content() : pair.primary().content();
    String b = shadowFirst ? pair.primary().content() : pair.shadow().content();
    String question =
        "Conversation:\n" + conversation(request) + "\nAnswer A:\n" + a + "\n\nAnswer B:\n" + b;
    return parse(ask(REPLY_FORMAT, question), shadowFirst);
  }

  private static String conversation(List<ChatMessage> request) {
    StringBuilder conversation = new StringBuilder();
    for (ChatMessage message : request) {
      conversation.append(message.role()).append(": ").append(message.content()).append('\n');
    }
    return conversation.toString();
  }

  /** Asks the judge model on the rubric and {@code format}; the reply must be JSON with a score. */
  private JsonNode ask(String format, String question) {
    ChatResult result =
        client.complete(
            endpoint,
            ChatRequestBody.build(
                json,
                config.model(),
                Map.of("temperature", json.getNodeFactory().numberNode(0)),
                List.of(
                    new ChatMessage("system", config.rubric() + "\n\n" + format),
                    new ChatMessage("user", question)),
                false,
                true));
    JsonNode node;
    try {
      node = json.readTree(result.content().strip());
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.path("score").isNumber()) {
      throw new RoutingException(
          RoutingException.Kind.UNPARSABLE,
          "judge endpoint '" + endpoint.name() + "': the verdict is not the JSON asked for");
    }
    return node;
  }

  private JudgeVerdict parse(JsonNode node, boolean shadowFirst) {
    String first = shadowFirst ? "shadow" : "primary";
    String second = shadowFirst ? "primary" : "shadow";
    String preferred =
        switch (node.path("preferred").asText("tie")) {
          case "A" -> first;
          case "B" -> second;
          default -> "tie";
        };
    double score = Math.max(-1, Math.min(1, node.path("score").asDouble()));
    // The score is "B better" positive; the verdict's is "shadow better" positive.
    return new JudgeVerdict(
        preferred, shadowFirst ? -score : score, node.path("reason").asText(""), config.judgeId());
  }
}
