package dev.llmrollout.router;

import dev.llmrollout.router.testing.RouterHarness;

/**
 * {@link SecretLeakTest} over Jetty's client ({@code serve --upstream-client jetty}): the transport
 * seam keeps every behaviour the JDK client has (issue 20).
 */
class JettySecretLeakTest extends SecretLeakTest {
  @Override
  RouterHarness newHarness() {
    return new RouterHarness().transports(JettyTransports::started);
  }
}
