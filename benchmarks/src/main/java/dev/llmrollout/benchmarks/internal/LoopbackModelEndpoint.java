package dev.llmrollout.benchmarks.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A model endpoint on 127.0.0.1 that answers OpenAI chat completions after a fixed delay, without
 * holding a thread while it waits: the delay must not cap the concurrency a benchmark can reach.
 * Streaming requests get the same answer as server-sent events. It counts requests in flight, so
 * the memory benchmark knows when the gateway holds them all.
 */
public final class LoopbackModelEndpoint implements AutoCloseable {
  private static final byte[] COMPLETION =
      ("{\"id\": \"chatcmpl-bench\", \"object\": \"chat.completion\", \"model\": \"bench\","
              + " \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"content\":"
              + " \"The order ships tomorrow.\"}, \"finish_reason\": \"stop\"}],"
              + " \"usage\": {\"prompt_tokens\": 20, \"completion_tokens\": 6,"
              + " \"total_tokens\": 26}}")
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] STREAM =
      ("data: {\"id\": \"chatcmpl-bench\", \"object\": \"chat.completion.chunk\", \"model\":"
              + " \"bench\", \"choices\": [{\"index\": 0, \"delta\": {\"content\": \"The order\"}}]}\n\n"
              + "data: {\"id\": \"chatcmpl-bench\", \"object\": \"chat.completion.chunk\", \"model\":"
              + " \"bench\", \"choices\": [{\"index\": 0, \"delta\": {\"content\": \" ships"
              + " tomorrow.\"}}]}\n\n"
              + "data: {\"id\": \"chatcmpl-bench\", \"object\": \"chat.completion.chunk\", \"model\":"
              + " \"bench\", \"choices\": [{\"index\": 0, \"delta\": {}, \"finish_reason\":"
              + " \"stop\"}], \"usage\": {\"prompt_tokens\": 20, \"completion_tokens\": 6,"
              + " \"total_tokens\": 26}}\n\n"
              + "data: [DONE]\n\n")
          .getBytes(StandardCharsets.UTF_8);

  private final Server server;
  private final ServerConnector connector;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "model-endpoint-delay");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile long delayMillis;

  private LoopbackModelEndpoint(long delayMillis) throws Exception {
    this.delayMillis = delayMillis;
    QueuedThreadPool threads = new QueuedThreadPool(64, 8, 60_000);
    threads.setName("model-endpoint");
    threads.setDaemon(true);
    server = new Server(threads);
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setAcceptQueueSize(4096);
    connector.setIdleTimeout(120_000);
    server.addConnector(connector);
    server.setHandler(new Completions());
    server.start();
  }

  /** Starts an endpoint answering after {@code delayMillis}. */
  public static LoopbackModelEndpoint start(long delayMillis) {
    try {
      return new LoopbackModelEndpoint(delayMillis);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the loopback model endpoint", e);
    }
  }

  /** The base URL, {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  /** The chat completions URL. */
  public String completionsUrl() {
    return baseUrl() + "/v1/chat/completions";
  }

  /** Changes the delay for later requests. */
  public void delayMillis(long millis) {
    this.delayMillis = millis;
  }

  /** Requests received and not yet answered. */
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the loopback model endpoint", e);
    }
  }

  private final class Completions extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      inFlight.incrementAndGet();
      Content.Source.asString(
          request,
          StandardCharsets.UTF_8,
          new Promise<String>() {
            @Override
            public void succeeded(String body) {
              boolean streamed = body.replace(" ", "").contains("\"stream\":true");
              long delay = delayMillis;
              if (delay == 0) {
                answer(response, callback, streamed);
              } else {
                timer.schedule(
                    () -> answer(response, callback, streamed), delay, TimeUnit.MILLISECONDS);
              }
            }

            @Override
            public void failed(Throwable failure) {
              inFlight.decrementAndGet();
              callback.failed(failure);
            }
          });
      return true;
    }

    private void answer(Response response, Callback callback, boolean streamed) {
      inFlight.decrementAndGet();
      byte[] bytes = streamed ? STREAM : COMPLETION;
      response.setStatus(200);
      response
          .getHeaders()
          .put(HttpHeader.CONTENT_TYPE, streamed ? "text/event-stream" : "application/json");
      if (!streamed) {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
      }
      response.write(true, ByteBuffer.wrap(bytes), callback);
    }
  }
}
