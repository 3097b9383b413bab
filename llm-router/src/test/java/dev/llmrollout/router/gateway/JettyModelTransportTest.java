package dev.llmrollout.router.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.router.ModelRequest;
import dev.llmrollout.router.ModelResponse;
import dev.llmrollout.router.testing.ModelEndpointServer;
import dev.llmrollout.router.testing.Reply;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What Jetty's client does differently from the JDK's and the transport must undo (issue 20). Its
 * idle timeout (30 s by default, 1 s here) failed an exchange whose model was silent that long,
 * though the endpoint's timeout allowed more: a slow first token or a long non-streamed answer.
 */
class JettyModelTransportTest {
  /**
   * Not what this test checks: the first exchange of a JVM loads Jetty's client classes, and on a
   * loaded machine that outlasted a 10 s connect timeout once (the endpoint's creation waited on
   * the client's pool past it: IllegalStateException in AbstractEndPoint.onOpen).
   */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);

  @Test
  @DisplayName(
      "an exchange may stay silent for the request's timeout, not the client's idle timeout")
  void silenceIsBoundedByTheRequestTimeout() throws Exception {
    try (ModelEndpointServer model = ModelEndpointServer.start("slow-model");
        JettyModelTransport transport =
            JettyModelTransport.start(CONNECT_TIMEOUT, Duration.ofSeconds(1))) {
      model.respond(r -> Reply.answer("late but whole").delayed(3_000));

      ModelResponse response =
          transport.send(
              new ModelRequest(
                  URI.create(model.baseUrl() + "/v1/chat/completions"),
                  Map.of("Content-Type", "application/json"),
                  "{\"model\": \"slow-model\", \"messages\": []}".getBytes(StandardCharsets.UTF_8),
                  Duration.ofSeconds(60)));

      assertThat(response.status()).isEqualTo(200);
      try (InputStream body = response.body()) {
        assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8))
            .contains("late but whole");
      }
    }
  }
}
