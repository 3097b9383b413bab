package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.RouteRequest;
import dev.llmrollout.router.RoutedResponse;
import dev.llmrollout.router.RoutingException;
import dev.llmrollout.router.StreamChunk;
import dev.llmrollout.router.StreamTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;

/**
 * {@code POST /v1/chat/completions}, OpenAI-compatible, streaming and not. Every response carries
 * {@code X-Flag-Key}, {@code X-Variant} and {@code X-Model-Version}.
 */
final class ChatCompletionsHandler {
  static final String VARIANT_HEADER = "X-Variant";
  static final String MODEL_VERSION_HEADER = "X-Model-Version";
  static final String MODEL_HEADER = "X-Model";

  private final ModelRouter router;
  private final ChatRequestMapper mapper;

  ChatCompletionsHandler(ModelRouter router, ChatRequestMapper mapper) {
    this.router = router;
    this.mapper = mapper;
  }

  void handle(HttpExchange exchange) {
    JsonNode body = exchange.jsonBody();
    RouteRequest request = mapper.map(exchange, body);
    try {
      if (body.path("stream").asBoolean(false)) {
        stream(exchange, request);
      } else {
        RoutedResponse routed = router.route(request);
        tag(exchange, routed.tags());
        exchange.sendJson(200, completion(exchange, routed));
      }
    } catch (RoutingException e) {
      fail(exchange, e);
    }
  }

  private void stream(HttpExchange exchange, RouteRequest request) {
    SseWriter writer = new SseWriter(exchange);
    try {
      router.routeStreaming(request, writer);
      writer.finish();
    } catch (RoutingException e) {
      if (writer.started) {
        exchange.callback().failed(e);
      } else {
        fail(exchange, e);
      }
    } catch (UncheckedIOException e) {
      exchange.callback().failed(e);
    }
  }

  private static void fail(HttpExchange exchange, RoutingException e) {
    int status =
        switch (e.kind()) {
          case FLAG, BAD_REQUEST -> 400;
          case SATURATED -> 429;
          case TIMEOUT -> 504;
          case CONFIGURATION -> 500;
          default -> 502;
        };
    exchange.sendError(status, "routing_error_" + e.kind().name().toLowerCase(), e.getMessage());
  }

  private static void tag(HttpExchange exchange, Map<String, String> tags) {
    var headers = exchange.response().getHeaders();
    headers.put(ChatRequestMapper.FLAG_HEADER, tags.get(RoutedResponse.TAG_MODEL_FLAG));
    headers.put(VARIANT_HEADER, tags.get(RoutedResponse.TAG_MODEL_VARIANT));
    headers.put(MODEL_HEADER, tags.get(RoutedResponse.TAG_MODEL));
    headers.put(MODEL_VERSION_HEADER, tags.get(RoutedResponse.TAG_MODEL_VERSION));
    if (tags.containsKey(RoutedResponse.TAG_PROMPT_FLAG)) {
      headers.put(ChatRequestMapper.PROMPT_FLAG_HEADER, tags.get(RoutedResponse.TAG_PROMPT_FLAG));
      headers.put("X-Prompt-Variant", tags.get(RoutedResponse.TAG_PROMPT_VARIANT));
    }
  }

  private static JsonNode completion(HttpExchange exchange, RoutedResponse routed) {
    ObjectNode body = exchange.json().createObjectNode();
    body.put("id", "chatcmpl-" + UUID.randomUUID());
    body.put("object", "chat.completion");
    body.put("created", Instant.now().getEpochSecond());
    body.put("model", routed.responseModel().isEmpty() ? routed.model() : routed.responseModel());
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", routed.content());
    choice.put("finish_reason", routed.finishReason().isEmpty() ? "stop" : routed.finishReason());
    ObjectNode usage = body.putObject("usage");
    usage.put("prompt_tokens", routed.usage().inputTokens());
    usage.put("completion_tokens", routed.usage().outputTokens());
    usage.put("total_tokens", routed.usage().inputTokens() + routed.usage().outputTokens());
    return body;
  }

  /** Passes server-sent events through as the endpoint sends them, headers first. */
  private static final class SseWriter implements StreamTarget {
    private final HttpExchange exchange;
    private Map<String, String> tags = Map.of();
    private boolean started;

    SseWriter(HttpExchange exchange) {
      this.exchange = exchange;
    }

    @Override
    public void routed(Map<String, String> routedTags) {
      this.tags = routedTags;
    }

    @Override
    public void accept(StreamChunk chunk) {
      if (!started) {
        started = true;
        exchange.response().setStatus(200);
        exchange.response().getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        exchange.response().getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        tag(exchange, tags);
      }
      write(BufferUtil.toBuffer(HttpExchange.utf8("data: " + chunk.data() + "\n\n")));
    }

    void finish() {
      if (!started) {
        exchange.sendError(502, "routing_error_empty_stream", "the endpoint sent no events");
        return;
      }
      exchange.response().write(true, BufferUtil.EMPTY_BUFFER, exchange.callback());
    }

    private void write(ByteBuffer buffer) {
      try (Blocker.Callback blocker = Blocker.callback()) {
        exchange.response().write(false, buffer, blocker);
        blocker.block();
      } catch (IOException e) {
        throw new UncheckedIOException("client went away during the stream", e);
      }
    }
  }
}
