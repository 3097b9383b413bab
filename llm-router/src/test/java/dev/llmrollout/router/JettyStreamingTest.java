package dev.llmrollout.router;

import dev.llmrollout.router.testing.RouterHarness;

/**
 * {@link StreamingTest} over Jetty's client ({@code serve --upstream-client jetty}): the transport
 * seam keeps every behaviour the JDK client has (issue 20).
 */
class JettyStreamingTest extends StreamingTest {
  @Override
  RouterHarness newHarness() {
    return new RouterHarness().transports(JettyTransports::started);
  }
}
