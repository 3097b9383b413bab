package dev.llmrollout.router.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A pretend model endpoint on loopback for the demo, speaking OpenAI's chat completions: it answers
 * after a latency around {@code latencyMillis}, sometimes too briefly to be useful, refuses the
 * prompts {@code refuses} matches, and once told to ({@link #startHedging}) hedges on a share of
 * its answers.
 */
final class DemoModel implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String model;
  private final int latencyMillis;
  private final double shortAnswerRate;
  private final Predicate<String> refuses;
  private volatile double hedgeRate;
  private final Server server = new Server();
  private final ServerConnector connector = new ServerConnector(server);

  DemoModel(String model, int latencyMillis, double shortAnswerRate, Predicate<String> refuses)
      throws Exception {
    this(model, latencyMillis, shortAnswerRate, refuses, 0);
  }

  /** On {@code port} (0: one the OS picks). */
  DemoModel(
      String model, int latencyMillis, double shortAnswerRate, Predicate<String> refuses, int port)
      throws Exception {
    this.model = model;
    this.latencyMillis = latencyMillis;
    this.shortAnswerRate = shortAnswerRate;
    this.refuses = refuses;
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new Answering());
    server.start();
  }

  /**
   * From now on hedges ("I'm not sure, ...") on {@code rate} of its answers: neither a refusal nor
   * short, so only a judge sees that they got worse.
   */
  void startHedging(double rate) {
    hedgeRate = rate;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  private String answer(String prompt) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (refuses.test(prompt)) {
      return "I can't help with that request.";
    }
    if (random.nextDouble() < shortAnswerRate) {
      return "";
    }
    if (random.nextDouble() < hedgeRate) {
      return "I'm not sure, but here is what I found about your question, step by step.";
    }
    return "Thanks for reaching out. Here is what I found about your question, step by step.";
  }

  private final class Answering extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback)
        throws IOException, InterruptedException {
      JsonNode body;
      try (InputStream in = Content.Source.asInputStream(request)) {
        body = JSON.readTree(in);
      }
      JsonNode messages = body.path("messages");
      String prompt = messages.path(messages.size() - 1).path("content").asText();
      ThreadLocalRandom random = ThreadLocalRandom.current();
      Thread.sleep(Math.max(1, (long) (latencyMillis * (0.6 + 0.8 * random.nextDouble()))));
      ObjectNode completion = JSON.createObjectNode();
      completion.put("id", "demo-" + random.nextLong(Long.MAX_VALUE));
      completion.put("object", "chat.completion");
      completion.put("model", model);
      ObjectNode choice = completion.putArray("choices").addObject();
      choice.put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", answer(prompt));
      choice.put("finish_reason", "stop");
      completion
          .putObject("usage")
          .put("prompt_tokens", 40)
          .put("completion_tokens", 18)
          .put("total_tokens", 58);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      Content.Sink.write(response, true, JSON.writeValueAsString(completion), callback);
      return true;
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("demo model " + model + " did not stop", e);
    }
  }
}
