package dev.llmrollout.router.gateway;

import dev.llmrollout.router.ModelRequest;
import dev.llmrollout.router.ModelResponse;
import dev.llmrollout.router.ModelTransport;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Model calls on Jetty's non-blocking HttpClient: the exchange runs on Jetty's selector and a small
 * pool, whose threads only hand arriving bytes over and never wait; the router's thread waits for
 * the headers and reads the body as it arrives ({@link InputStreamResponseListener}, a content
 * listener that asks for the next chunk only once the reader took the last, so a slow stream holds
 * buffers for one chunk and no thread of the client).
 */
public final class JettyModelTransport implements ModelTransport, AutoCloseable {
  /**
   * The router's per-endpoint permits bound calls in flight; Jetty's own limits (64 connections and
   * 1,024 requests waiting for one per destination by default) must not queue or reject calls below
   * them.
   */
  private static final int MAX_CALLS_PER_ENDPOINT = 65_536;

  /** The client's threads run selectors and callbacks that never block: a few are plenty. */
  private static final int MAX_THREADS = 16;

  /** Jetty's default: an unused connection to an endpoint closes after this. */
  private static final Duration POOLED_IDLE_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;

  private JettyModelTransport(HttpClient http) {
    this.http = http;
  }

  /** Starts a client that gives up connecting after {@code connectTimeout}. */
  public static JettyModelTransport start(Duration connectTimeout) {
    return start(connectTimeout, POOLED_IDLE_TIMEOUT);
  }

  /**
   * Starts a client that gives up connecting after {@code connectTimeout} and closes a pooled
   * connection left unused for {@code pooledIdleTimeout}.
   */
  static JettyModelTransport start(Duration connectTimeout, Duration pooledIdleTimeout) {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
    threads.setName("model-client");
    threads.setDaemon(true);
    HttpClient http = new HttpClient();
    http.setExecutor(threads);
    http.setConnectTimeout(connectTimeout.toMillis());
    http.setIdleTimeout(pooledIdleTimeout.toMillis());
    http.setMaxConnectionsPerDestination(MAX_CALLS_PER_ENDPOINT);
    http.setMaxRequestsQueuedPerDestination(MAX_CALLS_PER_ENDPOINT);
    // The router reads every answer as the endpoint sent it: no redirects followed, no 401
    // challenge answered (Jetty fails a 401 without WWW-Authenticate as a protocol violation
    // thrown from the body's reads), nothing decompressed.
    http.setFollowRedirects(false);
    try {
      http.start();
    } catch (Exception e) {
      throw new IllegalStateException("the model client (Jetty HttpClient) did not start", e);
    }
    // Starting registers the default handlers and decoders, so they go after it.
    http.getProtocolHandlers().clear();
    http.getContentDecoderFactories().clear();
    return new JettyModelTransport(http);
  }

  @Override
  public ModelResponse send(ModelRequest request) throws IOException, InterruptedException {
    AtomicBoolean connected = new AtomicBoolean();
    Request exchange =
        http.newRequest(request.uri())
            .method(HttpMethod.POST)
            .body(new BytesRequestContent(request.body()))
            .headers(headers -> request.headers().forEach(headers::put))
            // Jetty fails an exchange that stays silent for the client's idle timeout (30 s): a
            // slow first token, a long answer or a pause of the gateway's JVM would cut an
            // endpoint allowed longer short, while the JDK client has no such timeout. The
            // router bounds every wait by the request's timeout and abandons the exchange then;
            // twice that keeps Jetty's timeout behind the router's, as a backstop only.
            .idleTimeout(2 * request.timeout().toMillis(), TimeUnit.MILLISECONDS)
            // Begins once a connection carries it: a failure before that is a failure to connect.
            .onRequestBegin(begun -> connected.set(true));
    InputStreamResponseListener listener = new InputStreamResponseListener();
    exchange.send(listener);
    try {
      Response response = listener.get(request.timeout().toNanos(), TimeUnit.NANOSECONDS);
      return new ModelResponse(response.getStatus(), listener.getInputStream());
    } catch (InterruptedException e) {
      exchange.abort(e);
      throw e;
    } catch (TimeoutException e) {
      exchange.abort(e);
      throw new HttpTimeoutException("no response headers within " + request.timeout());
    } catch (ExecutionException e) {
      throw failure(e.getCause(), connected.get());
    }
  }

  /** Names the failure by its type only: Jetty's messages may quote the request. */
  private static IOException failure(Throwable cause, boolean connected) {
    if (!connected) {
      ConnectException refused = new ConnectException("cannot connect");
      refused.initCause(cause);
      return refused;
    }
    if (cause instanceof IOException io) {
      return io;
    }
    return new IOException(cause.getClass().getSimpleName(), cause);
  }

  @Override
  public void close() {
    try {
      http.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the model client (Jetty HttpClient) did not stop", e);
    }
  }
}
