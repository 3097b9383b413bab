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

/**
 * A {@link ShadowJudge} that asks a judge model, on a configured endpoint, to compare the two
 * answers. The judge is told to reply with JSON {@code {"preferred": "A"|"B"|"tie", "score": -1..1,
 * "reason": "..."}}, where A is the primary and B the shadow. Set it up with {@link
 * ModelRouter.Builder#judgeWithEndpoint(String, String)}.
 */
public final class EndpointShadowJudge implements ShadowJudge {
  static final String INSTRUCTIONS =
      "You compare two answers (A and B) to the same conversation. Reply with only a JSON object:"
          + " {\"preferred\": \"A\" or \"B\" or \"tie\", \"score\": a number from -1 (A is much"
          + " better) to 1 (B is much better), \"reason\": one short sentence}.";

  private final ChatCompletionClient client;
  private final Endpoint endpoint;
  private final String judgeModel;
  private final Executor executor;
  private final ObjectMapper json;

  EndpointShadowJudge(
      ChatCompletionClient client,
      Endpoint endpoint,
      String judgeModel,
      Executor executor,
      ObjectMapper json) {
    this.client = client;
    this.endpoint = endpoint;
    this.judgeModel = judgeModel;
    this.executor = executor;
    this.json = json;
  }

  @Override
  public CompletionStage<JudgeVerdict> judge(List<ChatMessage> request, ShadowRecord pair) {
    return CompletableFuture.supplyAsync(() -> ask(request, pair), executor);
  }

  private JudgeVerdict ask(List<ChatMessage> request, ShadowRecord pair) {
    StringBuilder conversation = new StringBuilder();
    for (ChatMessage message : request) {
      conversation.append(message.role()).append(": ").append(message.content()).append('\n');
    }
    String question =
        "Conversation:\n"
            + conversation
            + "\nAnswer A:\n"
            + pair.primary().content()
            + "\n\nAnswer B:\n"
            + pair.shadow().content();
    ChatResult result =
        client.complete(
            endpoint,
            ChatRequestBody.build(
                json,
                judgeModel,
                Map.of("temperature", json.getNodeFactory().numberNode(0)),
                List.of(new ChatMessage("system", INSTRUCTIONS), new ChatMessage("user", question)),
                false,
                true));
    return parse(result.content());
  }

  private JudgeVerdict parse(String answer) {
    JsonNode node;
    try {
      node = json.readTree(answer.strip());
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.path("score").isNumber()) {
      throw new RoutingException(
          RoutingException.Kind.UNPARSABLE,
          "judge endpoint '" + endpoint.name() + "': the verdict is not the JSON asked for");
    }
    String preferred =
        switch (node.path("preferred").asText("tie")) {
          case "A" -> "primary";
          case "B" -> "shadow";
          default -> "tie";
        };
    double score = Math.max(-1, Math.min(1, node.path("score").asDouble()));
    return new JudgeVerdict(preferred, score, node.path("reason").asText(""), judgeModel);
  }
}
