package dev.llmrollout.router.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The stand-in model endpoint the gateway warms its request path against, on a loopback port of its
 * own: it answers OpenAI chat completions at once, as one JSON answer or as server-sent events, so
 * warm-up never reaches a real endpoint.
 */
final class WarmUpModel implements AutoCloseable {
  static final String MODEL = "warm-up-model";

  private static final byte[] COMPLETION =
      ("{\"id\": \"chatcmpl-warm-up\", \"object\": \"chat.completion\", \"model\": \""
              + MODEL
              + "\", \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\","
              + " \"content\": \"The order ships tomorrow.\"}, \"finish_reason\": \"stop\"}],"
              + " \"usage\": {\"prompt_tokens\": 40, \"completion_tokens\": 6,"
              + " \"total_tokens\": 46}}")
          .getBytes(StandardCharsets.UTF_8);

  private static final byte[] STREAM =
      (chunk("{\"content\": \"The order\"}", "")
              + chunk("{\"content\": \" ships tomorrow.\"}", "")
              + chunk("{}", ", \"finish_reason\": \"stop\"")
              + "data: [DONE]\n\n")
          .getBytes(StandardCharsets.UTF_8);

  private final Server server = new Server();
  private final ServerConnector connector = new ServerConnector(server);

  WarmUpModel() throws Exception {
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Answering());
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  private static String chunk(String delta, String finish) {
    return "data: {\"id\": \"chatcmpl-warm-up\", \"object\": \"chat.completion.chunk\", \"model\":"
        + " \""
        + MODEL
        + "\", \"choices\": [{\"index\": 0, \"delta\": "
        + delta
        + finish
        + "}]}\n\n";
  }

  private static final class Answering extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback)
        throws IOException {
      String body = Content.Source.asString(request, StandardCharsets.UTF_8);
      boolean streamed = body.replace(" ", "").contains("\"stream\":true");
      response
          .getHeaders()
          .put(HttpHeader.CONTENT_TYPE, streamed ? "text/event-stream" : "application/json");
      response.write(true, ByteBuffer.wrap(streamed ? STREAM : COMPLETION), callback);
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
      throw new IllegalStateException("the warm-up model endpoint did not stop", e);
    }
  }
}
