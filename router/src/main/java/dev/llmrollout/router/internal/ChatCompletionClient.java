package dev.llmrollout.router.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.router.ModelRequest;
import dev.llmrollout.router.ModelResponse;
import dev.llmrollout.router.ModelTransport;
import dev.llmrollout.router.RetryPolicy;
import dev.llmrollout.router.RoutingException;
import dev.llmrollout.router.RoutingException.Kind;
import dev.llmrollout.router.StreamChunk;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Calls {@code POST {baseUrl}/v1/chat/completions} through one shared {@link ModelTransport}:
 * limits calls in flight per endpoint, enforces the endpoint's timeout, and retries connect
 * failures, 429 and 503 with jittered backoff. Errors name the endpoint and the status; they never
 * carry the key or the response body (an endpoint may echo what it was sent).
 */
public final class ChatCompletionClient {
  private final ModelTransport transport;
  private final ObjectMapper json;

  /** Leaves the body open after the JSON value, so it can be read to its end. */
  private final ObjectReader completionReader;

  private final RetryPolicy retry;
  private final StreamWatchdog watchdog;

  public ChatCompletionClient(
      ModelTransport transport, ObjectMapper json, RetryPolicy retry, StreamWatchdog watchdog) {
    this.transport = transport;
    this.json = json;
    this.completionReader = json.reader().without(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    this.retry = retry;
    this.watchdog = watchdog;
  }

  /** Sends a non-streamed request and returns the parsed answer. */
  public ChatResult complete(Endpoint endpoint, ObjectNode body) {
    return withPermit(endpoint, () -> completeWithRetries(endpoint, body));
  }

  /**
   * Sends a streamed request ({@code "stream": true}) and passes every server-sent event to {@code
   * consumer} as it arrives. Retries happen only before the first event reached the consumer.
   */
  public ChatResult stream(Endpoint endpoint, ObjectNode body, Consumer<StreamChunk> consumer) {
    return withPermit(endpoint, () -> streamWithRetries(endpoint, body, consumer));
  }

  private interface Call {
    ChatResult run();
  }

  private static ChatResult withPermit(Endpoint endpoint, Call call) {
    boolean acquired;
    try {
      acquired = endpoint.permits().tryAcquire(endpoint.timeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RoutingException(Kind.CANCELLED, "endpoint '" + endpoint.name() + "': interrupted");
    }
    if (!acquired) {
      throw new RoutingException(
          Kind.SATURATED,
          "endpoint '"
              + endpoint.name()
              + "': all "
              + endpoint.maxConcurrency()
              + " concurrent calls stayed busy for its timeout");
    }
    try {
      return call.run();
    } finally {
      endpoint.permits().release();
    }
  }

  private ChatResult completeWithRetries(Endpoint endpoint, ObjectNode body) {
    byte[] bytes = serialize(body);
    long start = System.nanoTime();
    Answered answered = sendUntilAnswered(endpoint, bytes);
    JsonNode completion =
        readCompletion(endpoint, answered.response().body(), answered.attemptDeadline());
    return result(endpoint, completion, System.nanoTime() - start, answered.attempt());
  }

  /** A 2xx answer's headers, the attempt that got it and that attempt's deadline. */
  private record Answered(ModelResponse response, int attempt, long attemptDeadline) {}

  /**
   * Sends until the endpoint answers 2xx, retrying connect failures, 429 and 503 with jittered
   * backoff within the retry policy; an error answer's body is drained within its attempt's
   * deadline so the connection can be reused.
   */
  private Answered sendUntilAnswered(Endpoint endpoint, byte[] bytes) {
    for (int attempt = 1; ; attempt++) {
      long deadline = System.nanoTime() + endpoint.timeout().toNanos();
      ModelResponse response;
      try {
        response = send(endpoint, request(endpoint, bytes));
      } catch (RoutingException e) {
        if (retryable(e) && attempt < retry.maxAttempts()) {
          backoff(endpoint, attempt + 1);
          continue;
        }
        throw e;
      }
      int status = response.status();
      if (status / 100 == 2) {
        return new Answered(response, attempt, deadline);
      }
      discard(response.body(), deadline);
      if ((status == 429 || status == 503) && attempt < retry.maxAttempts()) {
        backoff(endpoint, attempt + 1);
        continue;
      }
      throw statusError(endpoint, status, attempt);
    }
  }

  /**
   * Parses a non-streamed body as it arrives, within the attempt's deadline: the request's own
   * timeout stops at the response headers, so the watchdog closes a body still arriving at the
   * deadline. The body is read to its end so that the connection goes back to the pool.
   */
  private JsonNode readCompletion(Endpoint endpoint, InputStream body, long deadline) {
    StreamWatchdog.Guard guard = watchdog.guard(body, deadline);
    try (InputStream in = body) {
      JsonNode completion = completionReader.readTree(in);
      while (in.read() >= 0) {
        // Whatever follows the JSON value (whitespace, as a rule) is skipped.
      }
      return completion;
    } catch (JsonProcessingException e) {
      if (guard.fired()) {
        throw timeout(endpoint);
      }
      throw unparsable(endpoint, "the answer is not JSON");
    } catch (IOException e) {
      if (guard.fired()) {
        throw timeout(endpoint);
      }
      throw interruptedOr(endpoint, classify(endpoint, e));
    } finally {
      guard.close();
    }
  }

  private ChatResult result(
      Endpoint endpoint, JsonNode completion, long latencyNanos, int attempts) {
    String content = completion == null ? null : CompletionParser.messageContent(completion);
    if (content == null) {
      throw unparsable(endpoint, "the answer has no choices[0].message");
    }
    return new ChatResult(
        content,
        CompletionParser.finishReason(completion),
        CompletionParser.model(completion),
        CompletionParser.hasUsage(completion),
        CompletionParser.promptTokens(completion),
        CompletionParser.completionTokens(completion),
        latencyNanos,
        -1,
        attempts);
  }

  private ChatResult streamWithRetries(
      Endpoint endpoint, ObjectNode body, Consumer<StreamChunk> consumer) {
    byte[] bytes = serialize(body);
    long start = System.nanoTime();
    Answered answered = sendUntilAnswered(endpoint, bytes);
    // A stream's deadline runs from its first headers: the body may take the whole timeout.
    long deadline = System.nanoTime() + endpoint.timeout().toNanos();
    return new SseStreamReader(json, endpoint.name(), watchdog)
        .read(answered.response().body(), consumer, start, deadline, answered.attempt());
  }

  private static ModelRequest request(Endpoint endpoint, byte[] body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json, text/event-stream");
    endpoint.authorization().ifPresent(value -> headers.put("Authorization", value));
    return new ModelRequest(endpoint.completionsUri(), headers, body, endpoint.timeout());
  }

  /**
   * Sends and waits for the response headers (the request's timeout bounds the wait); an interrupt
   * cancels the exchange.
   */
  private ModelResponse send(Endpoint endpoint, ModelRequest request) {
    try {
      try {
        return transport.send(request);
      } catch (IOException e) {
        if (classify(endpoint, e).kind() != Kind.IO || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        // The connection broke before any answer arrived: as a rule a pooled keep-alive
        // connection the endpoint closed as it was reused. No transport resends a POST (JDK 17's
        // never does), so send it once more, at once; the broken connection has left the pool.
        return transport.send(request);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw cancelled(endpoint);
    } catch (IOException e) {
      throw interruptedOr(endpoint, classify(endpoint, e));
    }
  }

  private static RoutingException cancelled(Endpoint endpoint) {
    return new RoutingException(Kind.CANCELLED, "endpoint '" + endpoint.name() + "': interrupted");
  }

  /** A read or send that failed because the caller was interrupted is a cancellation. */
  private static RoutingException interruptedOr(Endpoint endpoint, RoutingException failure) {
    return Thread.currentThread().isInterrupted() ? cancelled(endpoint) : failure;
  }

  private static RoutingException classify(Endpoint endpoint, IOException cause) {
    String at = "endpoint '" + endpoint.name() + "'";
    if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
      return new RoutingException(Kind.CONNECT, at + ": cannot connect", 0, null);
    }
    if (cause instanceof HttpTimeoutException) {
      return timeout(endpoint);
    }
    return new RoutingException(
        Kind.IO, at + ": connection failed (" + cause.getClass().getSimpleName() + ")", 0, null);
  }

  private static RoutingException timeout(Endpoint endpoint) {
    return new RoutingException(
        Kind.TIMEOUT,
        "endpoint '"
            + endpoint.name()
            + "': no complete answer within "
            + endpoint.timeout().toMillis()
            + " ms");
  }

  private static RoutingException statusError(Endpoint endpoint, int status, int attempts) {
    return new RoutingException(
        Kind.HTTP_STATUS,
        "endpoint '" + endpoint.name() + "': HTTP " + status + " after " + attempts + " attempt(s)",
        status,
        null);
  }

  static RoutingException unparsable(Endpoint endpoint, String what) {
    return new RoutingException(Kind.UNPARSABLE, "endpoint '" + endpoint.name() + "': " + what);
  }

  private static boolean retryable(RoutingException e) {
    return e.kind() == Kind.CONNECT;
  }

  private void backoff(Endpoint endpoint, int nextAttempt) {
    long ceiling = retry.ceilingBefore(nextAttempt).toNanos();
    long pause = ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
    try {
      TimeUnit.NANOSECONDS.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RoutingException(
          Kind.CANCELLED, "endpoint '" + endpoint.name() + "': interrupted during retry backoff");
    }
  }

  private byte[] serialize(ObjectNode body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("chat request cannot be serialized", e);
    }
  }

  /** Reads an error body to its end (bounded by {@code deadline}) so the connection is reused. */
  private void discard(InputStream body, long deadline) {
    StreamWatchdog.Guard guard = watchdog.guard(body, deadline);
    try (InputStream in = body) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      // The status already decides the outcome; a broken error body changes nothing.
    } finally {
      guard.close();
    }
  }
}
