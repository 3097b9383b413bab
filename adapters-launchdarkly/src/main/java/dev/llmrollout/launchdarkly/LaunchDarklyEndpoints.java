package dev.llmrollout.launchdarkly;

import java.net.URI;
import java.util.Objects;

/**
 * LaunchDarkly's base URIs: the SDK's streaming, polling and events services and the REST API.
 * Point them all at one relay or a local server with {@link #allAt(URI)}.
 *
 * @param stream the streaming service ({@code GET /all} server-sent events)
 * @param polling the polling service
 * @param events the events service
 * @param api the REST API ({@code /api/v2/...})
 */
public record LaunchDarklyEndpoints(URI stream, URI polling, URI events, URI api) {
  /** LaunchDarkly's own service. */
  public static final LaunchDarklyEndpoints LAUNCHDARKLY =
      new LaunchDarklyEndpoints(
          URI.create("https://stream.launchdarkly.com"),
          URI.create("https://sdk.launchdarkly.com"),
          URI.create("https://events.launchdarkly.com"),
          URI.create("https://app.launchdarkly.com"));

  public LaunchDarklyEndpoints {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(polling, "polling");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(api, "api");
  }

  /** Every service at one base URI, as a relay proxy or a local test server serves them. */
  public static LaunchDarklyEndpoints allAt(URI base) {
    return new LaunchDarklyEndpoints(base, base, base, base);
  }
}
