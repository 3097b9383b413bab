package dev.llmrollout.router;

import dev.llmrollout.router.internal.JdkModelTransport;
import java.io.IOException;
import java.net.http.HttpClient;

/**
 * How the router sends one model call over HTTP: a POST that returns once the response headers
 * arrived, whatever their status; the router reads and closes the body. Retries, the resend on a
 * stale pooled connection, deadlines on the body, the endpoint's concurrency limit and the error
 * shapes stay in the router, so every transport behaves the same. The default sends with the JDK's
 * {@link HttpClient}; an application that already runs another HTTP client (the gateway runs
 * Jetty's) brings its own.
 *
 * <pre>{@code
 * ModelRouter router = ModelRouter.builder(client, provider, endpoints)
 *     .modelTransport(ModelTransport.jdk(HttpClient.newHttpClient()))
 *     .build();
 * }</pre>
 *
 * <p>What the router relies on:
 *
 * <ul>
 *   <li>no response headers within {@link ModelRequest#timeout()}: {@link
 *       java.net.http.HttpTimeoutException}, the exchange abandoned;
 *   <li>no connection could be made: {@link java.net.ConnectException} (or {@link
 *       java.net.http.HttpConnectTimeoutException}), which the router retries;
 *   <li>the caller interrupted while waiting: {@link InterruptedException}, the exchange abandoned;
 *   <li>the connection broke: any other {@link IOException}; the transport does not resend a POST
 *       itself (the router resends once when nothing was answered);
 *   <li>{@link ModelResponse#body()} may be closed from another thread before its end (a deadline):
 *       a read blocked on it then fails with an {@link IOException} and the exchange is abandoned;
 *   <li>header values (the endpoint's key) appear in no exception message and no log line.
 * </ul>
 */
@FunctionalInterface
public interface ModelTransport {
  /** Sends {@code request} and waits for the response headers. */
  ModelResponse send(ModelRequest request) throws IOException, InterruptedException;

  /** The default transport: the JDK's {@code client}, one blocking send per call. */
  static ModelTransport jdk(HttpClient client) {
    return new JdkModelTransport(client);
  }
}
