package dev.llmrollout.router.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * One model endpoint from the endpoints file: where its chat completions live, the bearer token
 * read from its environment variable, its timeout, its concurrency limit and its price table.
 *
 * <p>The token is never part of {@link #toString()} and has no public getter: only {@link
 * #authorization()} hands it to the HTTP request.
 */
public final class Endpoint {
  private final String name;
  private final URI completionsUri;
  private final String bearerToken;
  private final Duration timeout;
  private final int maxConcurrency;
  private final Semaphore permits;
  private final Map<String, ModelPrice> prices;

  public Endpoint(
      String name,
      URI baseUri,
      String bearerToken,
      Duration timeout,
      int maxConcurrency,
      Map<String, ModelPrice> prices) {
    this.name = name;
    String base = baseUri.toString();
    this.completionsUri =
        URI.create(
            (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                + "/v1/chat/completions");
    this.bearerToken = bearerToken;
    this.timeout = timeout;
    this.maxConcurrency = maxConcurrency;
    this.permits = new Semaphore(maxConcurrency);
    this.prices = Map.copyOf(prices);
  }

  public String name() {
    return name;
  }

  public URI completionsUri() {
    return completionsUri;
  }

  /** The value of the Authorization header, if the endpoint has a key. */
  Optional<String> authorization() {
    return bearerToken == null ? Optional.empty() : Optional.of("Bearer " + bearerToken);
  }

  public Duration timeout() {
    return timeout;
  }

  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** Limits the calls in flight to {@code maxConcurrency}. */
  Semaphore permits() {
    return permits;
  }

  public Optional<ModelPrice> price(String model) {
    return Optional.ofNullable(prices.get(model));
  }

  @Override
  public String toString() {
    return "Endpoint[" + name + " " + completionsUri + "]";
  }
}
