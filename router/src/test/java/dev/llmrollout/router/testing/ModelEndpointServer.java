package dev.llmrollout.router.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real HTTP server on loopback that speaks OpenAI's chat completions, standing in for a model
 * endpoint. By default it answers {@code "<name> says hi to <model>"} with usage; a test scripts
 * replies (latency, status, refusals, streaming, garbage) with {@link #respond} or {@link
 * #enqueue}. Every request is recorded with its headers.
 */
public final class ModelEndpointServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A request the server received. */
  public record Received(String authorization, JsonNode body) {
    public String model() {
      return body.path("model").asText();
    }

    public boolean streamed() {
      return body.path("stream").asBoolean(false);
    }

    /** The content of message {@code i}. */
    public String message(int i) {
      return body.path("messages").path(i).path("content").asText();
    }
  }

  private final String name;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Queue<Received> received = new ConcurrentLinkedQueue<>();
  private final Queue<Reply> scripted = new ConcurrentLinkedQueue<>();
  private volatile Function<Received, Reply> behaviour;
  private volatile boolean recording = true;
  private volatile long stallBodyMillis;
  private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

  private ModelEndpointServer(String name) throws IOException {
    this.name = name;
    this.behaviour = r -> Reply.answer(name + " says hi to " + r.model());
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static ModelEndpointServer start(String name) {
    try {
      return new ModelEndpointServer(name);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start loopback model server " + name, e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Replaces the default behaviour for every later request. */
  public void respond(Function<Received, Reply> reply) {
    this.behaviour = reply;
  }

  /** Replies to the next requests with these, in order, then goes back to the behaviour. */
  public void enqueue(Reply... replies) {
    scripted.addAll(List.of(replies));
  }

  /** Stops keeping requests (for load runs). */
  public void recording(boolean on) {
    this.recording = on;
  }

  /**
   * Sends the headers and half of every later non-streamed answer, then waits this long before the
   * rest: a body that stalls after the response headers.
   */
  public void stallBody(long millis) {
    this.stallBodyMillis = millis;
  }

  /** How many connections requests came in on (distinct client ports). */
  public int connections() {
    return clientPorts.size();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      clientPorts.add(exchange.getRemoteAddress().getPort());
      JsonNode body = JSON.readTree(exchange.getRequestBody());
      Received request = new Received(exchange.getRequestHeaders().getFirst("Authorization"), body);
      if (recording) {
        received.add(request);
      }
      Reply reply = scripted.poll();
      if (reply == null) {
        reply = behaviour.apply(request);
      }
      sleep(reply.delayMillis());
      if (reply.status() == Reply.DROPPED_CONNECTION) {
        // Closing an exchange before its response headers closes the connection.
        return;
      }
      if (reply.status() != 200) {
        byte[] error = reply.rawBody().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(reply.status(), error.length == 0 ? -1 : error.length);
        exchange.getResponseBody().write(error);
      } else if (request.streamed() && !reply.rawBody().isEmpty()) {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        exchange.getResponseBody().write(reply.rawBody().getBytes(StandardCharsets.UTF_8));
      } else if (request.streamed()) {
        stream(exchange, request, reply);
      } else {
        byte[] bytes =
            reply.rawBody().isEmpty()
                ? JSON.writeValueAsBytes(completion(request, reply))
                : reply.rawBody().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        long stall = stallBodyMillis;
        if (stall > 0) {
          exchange.getResponseBody().write(bytes, 0, bytes.length / 2);
          exchange.getResponseBody().flush();
          sleep(stall);
          exchange
              .getResponseBody()
              .write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
        } else {
          exchange.getResponseBody().write(bytes);
        }
      }
    }
  }

  private ObjectNode completion(Received request, Reply reply) {
    ObjectNode completion = JSON.createObjectNode();
    completion.put("id", "chatcmpl-" + name);
    completion.put("object", "chat.completion");
    completion.put("model", request.model());
    ObjectNode choice = completion.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", reply.content());
    choice.put("finish_reason", "stop");
    ObjectNode usage = completion.putObject("usage");
    usage.put("prompt_tokens", reply.inputTokens());
    usage.put("completion_tokens", reply.outputTokens());
    usage.put("total_tokens", reply.inputTokens() + reply.outputTokens());
    return completion;
  }

  private void stream(HttpExchange exchange, Received request, Reply reply) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    String content = reply.content();
    int pieces = Math.max(1, reply.streamChunks());
    int size = (content.length() + pieces - 1) / pieces;
    for (int start = 0; start < content.length() || start == 0; start += Math.max(1, size)) {
      String piece = content.substring(start, Math.min(content.length(), start + size));
      ObjectNode chunk = chunk(request);
      chunk
          .withArray("choices")
          .addObject()
          .put("index", 0)
          .putObject("delta")
          .put("content", piece);
      event(out, JSON.writeValueAsString(chunk));
      sleep(reply.chunkDelayMillis());
      if (content.isEmpty()) {
        break;
      }
    }
    ObjectNode finish = chunk(request);
    finish
        .withArray("choices")
        .addObject()
        .put("index", 0)
        .put("finish_reason", "stop")
        .putObject("delta");
    event(out, JSON.writeValueAsString(finish));
    ObjectNode usage = chunk(request);
    usage.putArray("choices");
    usage
        .putObject("usage")
        .put("prompt_tokens", reply.inputTokens())
        .put("completion_tokens", reply.outputTokens());
    event(out, JSON.writeValueAsString(usage));
    event(out, "[DONE]");
  }

  private ObjectNode chunk(Received request) {
    ObjectNode chunk = JSON.createObjectNode();
    chunk.put("id", "chatcmpl-" + name);
    chunk.put("object", "chat.completion.chunk");
    chunk.put("model", request.model());
    return chunk;
  }

  private static void event(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void sleep(long millis) {
    if (millis > 0) {
      try {
        TimeUnit.MILLISECONDS.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
