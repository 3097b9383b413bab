package dev.llmrollout.router.internal;

import dev.llmrollout.router.ModelRequest;
import dev.llmrollout.router.ModelResponse;
import dev.llmrollout.router.ModelTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Sends on the caller's thread, which waits for the answer anyway. {@code sendAsync} would hand
 * every completion to {@code CompletableFuture}'s default executor, which starts a new thread per
 * call on a machine with fewer than three cores. The request's timeout bounds the wait for the
 * response headers; an interrupt cancels the exchange; closing the body stream abandons it.
 */
public final class JdkModelTransport implements ModelTransport {
  private final HttpClient http;

  public JdkModelTransport(HttpClient http) {
    this.http = http;
  }

  @Override
  public ModelResponse send(ModelRequest request) throws IOException, InterruptedException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(request.uri())
            .timeout(request.timeout())
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().forEach(builder::header);
    HttpResponse<InputStream> response =
        http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    return new ModelResponse(response.statusCode(), response.body());
  }
}
