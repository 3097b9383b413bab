package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.signals.SignalsUnavailableException;
import dev.llmrollout.spi.WriteBackException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible gateway on Jetty: chat completions, feedback, admin, metrics and health;
 * the rollout controller ({@link ControllerRuntime}) serves the same routes but model traffic.
 * Stopping it is graceful: new requests are refused while in-flight ones finish.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  /**
   * Buffers from one bounded pool for the process, as the router's mapper has them: Jackson's
   * default keeps a set per thread that ever parsed, and each request runs on a virtual thread of
   * its own that a slow stream keeps for its whole length.
   */
  static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build());

  /**
   * Connections the kernel may hold before Jetty accepts them. Jetty's default (0) leaves the JDK's
   * backlog of 50: a burst of new client connections overflows it, and the kernel drops the
   * handshake, which the client retries only after a second (or sees a reset).
   */
  static final int ACCEPT_QUEUE = 1_024;

  private final Server server;
  private final ServerConnector connector;

  Gateway(Settings settings, Routes routes) {
    this.server = new Server(threadPool(settings));
    this.connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration()));
    connector.setHost(settings.bind());
    connector.setPort(settings.port());
    connector.setAcceptQueueSize(ACCEPT_QUEUE);
    server.addConnector(connector);
    GracefulHandler graceful = new GracefulHandler(new Dispatcher(routes));
    server.setHandler(graceful);
    server.setStopTimeout(settings.drainTimeout().toMillis());
  }

  /**
   * Jetty's header-field cache is off. Jetty builds it on each connection's first request line (a
   * trie); a client that opens a connection per request or per stream pays for it each time. At 256
   * rows it was one char array of about 7.7 KiB of live heap per open stream (class histograms with
   * and without it, PERFORMANCE.md 3b); under connection churn Jetty's default size was 21% of the
   * gateway's allocation (JFR, 3d). What it saves on a reused connection was about 0.5 KiB of
   * allocation per request (3b).
   */
  static final int HEADER_CACHE_ROWS = 0;

  private static HttpConfiguration httpConfiguration() {
    HttpConfiguration configuration = new HttpConfiguration();
    configuration.setHeaderCacheSize(HEADER_CACHE_ROWS);
    return configuration;
  }

  /**
   * Jetty's threads. Where the JVM has virtual threads (Java 21+) and they are not turned off, each
   * request runs on a virtual thread: a model call waits for seconds, and a platform thread per
   * waiting call (about 1,000 threads per 1,000 in flight, measured) caps how many calls one
   * gateway can hold, while a parked virtual thread is a few KiB of heap. {@code maxThreads} then
   * bounds the platform threads only (selectors, accepting, non-blocking work). On Java 17 every
   * request holds a pool thread until it is answered, as before.
   */
  private static QueuedThreadPool threadPool(Settings settings) {
    QueuedThreadPool threads = new QueuedThreadPool(settings.maxThreads(), 8);
    threads.setName("gateway");
    if (settings.virtualThreads() && VirtualThreads.areSupported()) {
      threads.setVirtualThreadsExecutor(
          VirtualThreads.getNamedVirtualThreadsExecutor("gateway-request"));
    }
    return threads;
  }

  /**
   * Where and how the gateway listens.
   *
   * @param modelAliases request {@code model} names that route to a flag, such as {@code
   *     support-gpt -> support-model}
   * @param virtualThreads run each request on a virtual thread where the JVM has them
   * @param upstreamClient the HTTP client model calls go out on
   */
  public record Settings(
      String bind,
      int port,
      int maxThreads,
      Duration drainTimeout,
      Map<String, String> modelAliases,
      boolean virtualThreads,
      UpstreamClient upstreamClient) {
    public Settings {
      modelAliases = Map.copyOf(modelAliases);
      Objects.requireNonNull(upstreamClient, "upstreamClient");
    }

    public Settings(
        String bind,
        int port,
        int maxThreads,
        Duration drainTimeout,
        Map<String, String> modelAliases) {
      this(bind, port, maxThreads, drainTimeout, modelAliases, true, UpstreamClient.JDK);
    }

    public Settings(String bind, int port, int maxThreads, Duration drainTimeout) {
      this(bind, port, maxThreads, drainTimeout, Map.of());
    }
  }

  /** Whether requests run on virtual threads (asked for, and the JVM has them). */
  public boolean virtualThreads() {
    return server.getThreadPool() instanceof QueuedThreadPool pool
        && pool.getVirtualThreadsExecutor() != null;
  }

  /**
   * The server's endpoints, as the runtime wires them: a gateway's with model traffic, a
   * controller's ({@code llm-router guard}) without.
   *
   * @param notReady why the process is not ready now, empty when it is
   */
  record Routes(
      Optional<ModelTraffic> traffic,
      AdminHandler admin,
      MetricsHandler metrics,
      AlertmanagerWebhookHandler alertmanager,
      Supplier<Optional<String>> notReady,
      Supplier<JsonNode> health) {}

  /** The endpoints only a gateway serves. */
  record ModelTraffic(
      ChatCompletionsHandler chat, FeedbackHandler feedback, ModelsHandler models) {}

  public void start() throws Exception {
    server.start();
    LOG.info(
        "requests run on {}",
        virtualThreads() ? "virtual threads" : "pool threads (Java 17 or --no-virtual-threads)");
  }

  /** The address actually bound (the port is chosen by the OS when 0 was asked for). */
  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
  }

  /** Waits until the server stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  /** Refuses new requests, lets in-flight ones finish (up to the drain timeout), then stops. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("the gateway did not stop cleanly: " + e.getMessage(), e);
    }
  }

  private static final class Dispatcher extends Handler.Abstract {
    private final Routes routes;

    Dispatcher(Routes routes) {
      this.routes = routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      HttpExchange exchange = new HttpExchange(request, response, callback, JSON);
      try {
        dispatch(exchange);
      } catch (HttpExchange.BadRequest e) {
        exchange.sendError(400, "invalid_request_error", e.getMessage());
      } catch (WriteBackException e) {
        exchange.sendError(
            statusOf(e), "write_back_" + e.kind().name().toLowerCase(), e.getMessage());
      } catch (SignalsUnavailableException e) {
        // A controller starting a rollout while Prometheus lacks data: nothing was written.
        exchange.sendError(
            503, "signals_unavailable", "the rollout's signals are unavailable: " + e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", exchange.method(), exchange.path(), e);
        exchange.sendError(
            500, "internal_error", "internal error: " + e.getClass().getSimpleName());
      }
      return true;
    }

    private void dispatch(HttpExchange exchange) {
      String path = exchange.path();
      String method = exchange.method();
      Optional<Consumer<HttpExchange>> handler =
          switch (path) {
            case "/v1/chat/completions" -> traffic(path, t -> post(method, t.chat()::handle));
            case "/v1/feedback" -> traffic(path, t -> post(method, t.feedback()::handle));
            case "/v1/models" -> traffic(path, t -> Optional.of(t.models()::handle));
            case "/metrics" -> Optional.of(routes.metrics()::handle);
            case AlertmanagerWebhookHandler.PATH -> post(method, routes.alertmanager()::handle);
            case "/healthz" -> Optional.of(e -> e.sendJson(200, routes.health().get()));
            case "/readyz" -> Optional.of(this::ready);
            default ->
                routes.admin().handles(path)
                    ? Optional.of(routes.admin()::handle)
                    : Optional.<Consumer<HttpExchange>>empty();
          };
      if (handler.isEmpty()) {
        exchange.sendError(404, "not_found", "no route for " + path);
        return;
      }
      handler.get().accept(exchange);
    }

    /** A model-traffic route; on a controller, a 404 that says where model traffic goes. */
    private Optional<Consumer<HttpExchange>> traffic(
        String path, Function<ModelTraffic, Optional<Consumer<HttpExchange>>> route) {
      if (routes.traffic().isPresent()) {
        return route.apply(routes.traffic().get());
      }
      return Optional.of(
          e ->
              e.sendError(
                  404,
                  "not_found",
                  "no route for "
                      + path
                      + ": this is a rollout controller (llm-router guard), it serves no model"
                      + " traffic; send it to a gateway (llm-router serve)"));
    }

    private static Optional<Consumer<HttpExchange>> post(String method, Consumer<HttpExchange> h) {
      return Optional.of(
          method.equals("POST") ? h : e -> e.sendError(405, "method_not_allowed", "use POST"));
    }

    private void ready(HttpExchange exchange) {
      Optional<String> notReady = routes.notReady().get();
      if (notReady.isEmpty()) {
        exchange.send(200, "text/plain", "ready\n");
      } else {
        exchange.send(503, "text/plain", notReady.get() + "\n");
      }
    }

    private static int statusOf(WriteBackException e) {
      return switch (e.kind()) {
        case CONFLICT -> 409;
        case NOT_FOUND -> 404;
        case INVALID_REQUEST -> 400;
        case PERMISSION_DENIED -> 502;
        default -> 503;
      };
    }
  }
}
