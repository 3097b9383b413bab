package dev.llmrollout.benchmarks.internal;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends through a JDK {@link HttpClient} and resends once when the pooled connection it picked
 * turned out closed before any byte of the answer, counting the resends for the report.
 *
 * <p>JDK 17's client never resends a POST itself, so a keep-alive connection the server closed as
 * the client reused it fails the call ("header parser received no bytes"). The router's own model
 * client resends in that case; a harness that does not would stop a whole run at the first such
 * race, which on the quiet machine came once in tens of thousands of calls.
 */
public final class StaleConnectionResend {
  private static final String NO_ANSWER = "header parser received no bytes";

  private final HttpClient client;
  private final AtomicLong resends = new AtomicLong();

  public StaleConnectionResend(HttpClient client) {
    this.client = client;
  }

  /** {@link HttpClient#send}, once more if the connection was found closed before any answer. */
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    try {
      return client.send(request, handler);
    } catch (IOException e) {
      if (e.getMessage() == null || !e.getMessage().contains(NO_ANSWER)) {
        throw e;
      }
      resends.incrementAndGet();
      return client.send(request, handler);
    }
  }

  /** How many calls were resent so far. */
  public long resends() {
    return resends.get();
  }
}
