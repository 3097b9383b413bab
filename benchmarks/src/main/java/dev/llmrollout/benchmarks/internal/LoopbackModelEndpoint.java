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

  private static final byte[] SLOW_CHUNK =
      ("data: {\"id\": \"chatcmpl-bench\", \"object\": \"chat.completion.chunk\", \"model\":"
              + " \"bench\", \"choices\": [{\"index\": 0, \"delta\": {\"content\": \"token \"}}]}\n\n")
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] SLOW_END =
      ("data: {\"id\": \"chatcmpl-bench\", \"object\": \"chat.completion.chunk\", \"model\":"
              + " \"bench\", \"choices\": [{\"index\": 0, \"delta\": {}, \"finish_reason\":"
              + " \"stop\"}]}\n\ndata: [DONE]\n\n")
          .getBytes(StandardCharsets.UTF_8);

  private final Server server;
  private final ServerConnector connector;

  /** A second port of the same endpoint: the canary upstream of the nginx comparison. */
  private final ServerConnector secondConnector;

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "model-endpoint-delay");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile long delayMillis;
  private volatile int slowChunks;
  private volatile long chunkIntervalMillis;

  private LoopbackModelEndpoint(long delayMillis) throws Exception {
    this.delayMillis = delayMillis;
    QueuedThreadPool threads = new QueuedThreadPool(64, 8, 60_000);
    threads.setName("model-endpoint");
    threads.setDaemon(true);
    server = new Server(threads);
    connector = connector(server);
    secondConnector = connector(server);
    server.setHandler(new Completions());
    server.start();
  }

  private static ServerConnector connector(Server server) {
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setAcceptQueueSize(4096);
    connector.setIdleTimeout(120_000);
    server.addConnector(connector);
    return connector;
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

  /** The base URL of the endpoint's second port, answering the same way. */
  public String secondBaseUrl() {
    return "http://127.0.0.1:" + secondConnector.getLocalPort();
  }

  /** The chat completions URL. */
  public String completionsUrl() {
    return baseUrl() + "/v1/chat/completions";
  }

  /** Changes the delay for later requests. */
  public void delayMillis(long millis) {
    this.delayMillis = millis;
  }

  /**
   * Answers later streaming requests slowly, as a model generating tokens: {@code chunks} content
   * events, one every {@code intervalMillis}, then {@code [DONE]}; 0 chunks restores the quick
   * stream. No thread is held between events.
   */
  public void slowStreams(int chunks, long intervalMillis) {
    this.chunkIntervalMillis = intervalMillis;
    this.slowChunks = chunks;
  }

  /**
   * Runs an endpoint in a process of its own, so the sockets of a large stream test are split
   * between processes (each has its own open-file limit). Usage: {@code LoopbackModelEndpoint <slow
   * chunks> <chunk interval ms>}; prints {@code endpoint on <base URL>} and runs until killed.
   */
  public static void main(String[] args) throws InterruptedException {
    LoopbackModelEndpoint endpoint = start(0);
    endpoint.slowStreams(Integer.parseInt(args[0]), Long.parseLong(args[1]));
    System.out.println("endpoint on " + endpoint.baseUrl());
    System.out.flush();
    Thread.currentThread().join();
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
      int chunks = slowChunks;
      if (streamed && chunks > 0) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        slowChunk(response, callback, 0, chunks, chunkIntervalMillis);
        return;
      }
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

    /** Writes event {@code index}, then schedules the next one (or ends the stream). */
    private void slowChunk(
        Response response, Callback callback, int index, int chunks, long intervalMillis) {
      if (index == chunks) {
        response.write(true, ByteBuffer.wrap(SLOW_END), callback);
        return;
      }
      response.write(
          false,
          ByteBuffer.wrap(SLOW_CHUNK),
          Callback.from(
              () ->
                  timer.schedule(
                      () -> slowChunk(response, callback, index + 1, chunks, intervalMillis),
                      intervalMillis,
                      TimeUnit.MILLISECONDS),
              callback::failed));
    }
  }
}
