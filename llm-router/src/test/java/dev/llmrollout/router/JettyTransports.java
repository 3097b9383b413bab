package dev.llmrollout.router;

import dev.llmrollout.router.gateway.JettyModelTransport;
import dev.llmrollout.router.testing.ModelEndpointServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Jetty transports for the router's client tests. The first exchange of a JVM loads Jetty's client
 * classes (the JDK's own client comes from the class-data archive): on a loaded machine that took
 * 2.9 s, more than the 1 s timeouts the tests check other things with, so one throwaway exchange
 * runs first.
 */
final class JettyTransports {
  private static boolean warmedUp;

  private JettyTransports() {}

  static synchronized JettyModelTransport started() {
    JettyModelTransport transport = JettyModelTransport.start(Duration.ofSeconds(10));
    if (!warmedUp) {
      warmUp(transport);
      warmedUp = true;
    }
    return transport;
  }

  private static void warmUp(JettyModelTransport transport) {
    try (ModelEndpointServer server = ModelEndpointServer.start("warm-up")) {
      ModelResponse response =
          transport.send(
              new ModelRequest(
                  URI.create(server.baseUrl() + "/v1/chat/completions"),
                  Map.of("Content-Type", "application/json"),
                  "{\"model\": \"warm-up\", \"messages\": []}".getBytes(),
                  Duration.ofSeconds(30)));
      try (InputStream body = response.body()) {
        body.transferTo(java.io.OutputStream.nullOutputStream());
      }
    } catch (IOException e) {
      throw new IllegalStateException("the Jetty client's warm-up exchange failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while warming up the Jetty client", e);
    }
  }
}
