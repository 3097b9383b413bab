package dev.llmrollout.benchmarks.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * LaunchDarkly's server-side streaming endpoint on 127.0.0.1, as the SDK reads it: {@code GET /all}
 * answers server-sent events, a {@code put} with every flag on connect and a {@code patch} per
 * changed flag afterwards. Enough for the SDK to evaluate the benchmark's split flag and to receive
 * a kill; event posts are accepted and dropped.
 */
public final class LaunchDarklyStreamServer implements AutoCloseable {
  /** The flag's key. */
  public static final String FLAG = BenchFlags.SPLIT_FLAG;

  private final Server server;
  private final ServerConnector connector;
  private final List<Response> streams = new CopyOnWriteArrayList<>();
  private volatile String flagJson;

  private LaunchDarklyStreamServer() throws Exception {
    flagJson = flag(1, true);
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setIdleTimeout(600_000);
    server.addConnector(connector);
    server.setHandler(new Streams());
    server.start();
  }

  /** Starts the server with version 1 of the flag, on. */
  public static LaunchDarklyStreamServer start() {
    try {
      return new LaunchDarklyStreamServer();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the local LaunchDarkly stream", e);
    }
  }

  /** The base URI for every LaunchDarkly service. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  /**
   * The flag in LaunchDarkly's data model: a rule sending tier "internal" to the canary, a 90/10
   * rollout otherwise, and the safe variant as the off variation.
   */
  public static String flag(int version, boolean on) {
    return "{\"key\": \""
        + FLAG
        + "\", \"version\": "
        + version
        + ", \"on\": "
        + on
        + ", \"salt\": \"bench\", \"deleted\": false, \"trackEvents\": false,"
        + " \"trackEventsFallthrough\": false, \"clientSide\": false,"
        + " \"prerequisites\": [], \"targets\": [], \"contextTargets\": [],"
        + " \"rules\": [{\"id\": \"internal\", \"variation\": 1, \"trackEvents\": false,"
        + " \"clauses\": [{\"contextKind\": \"user\", \"attribute\": \"tier\", \"op\": \"in\","
        + " \"values\": [\"internal\"], \"negate\": false}]}],"
        + " \"fallthrough\": {\"rollout\": {\"variations\": [{\"variation\": 0, \"weight\": 90000},"
        + " {\"variation\": 1, \"weight\": 10000}]}}, \"offVariation\": 2,"
        + " \"variations\": ["
        + BenchFlags.STABLE_JSON
        + ", "
        + BenchFlags.CANARY_JSON
        + ", "
        + BenchFlags.variantJson("bench-safe", "1.0.0", "")
        + "]}";
  }

  /** Serves {@code json} as the flag's new version to every connected SDK. */
  public synchronized void patch(String json) throws IOException {
    flagJson = json;
    String data = "{\"path\": \"/flags/" + FLAG + "\", \"data\": " + json + "}";
    for (Response stream : streams) {
      send(stream, "patch", data);
    }
  }

  private static void send(Response stream, String event, String data) throws IOException {
    String frame = "event: " + event + "\ndata: " + data + "\n\n";
    Content.Sink.write(stream, false, ByteBuffer.wrap(frame.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the local LaunchDarkly stream", e);
    }
  }

  private final class Streams extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback)
        throws IOException {
      if (!"/all".equals(Request.getPathInContext(request))) {
        response.setStatus(202);
        callback.succeeded();
        return true;
      }
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
      synchronized (LaunchDarklyStreamServer.this) {
        send(
            response,
            "put",
            "{\"path\": \"/\", \"data\": {\"flags\": {\""
                + FLAG
                + "\": "
                + flagJson
                + "}, \"segments\": {}}}");
        streams.add(response);
      }
      return true;
    }
  }
}
