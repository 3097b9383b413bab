package dev.llmrollout.router.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.router.RoutingException;
import dev.llmrollout.router.RoutingException.Kind;
import dev.llmrollout.router.StreamChunk;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Reads an OpenAI chat completion stream (server-sent events) and passes each event on as it
 * arrives, assembling the answer, the time to first token and the usage of the final chunk.
 */
final class SseStreamReader {
  private static final String DONE = "[DONE]";

  /**
   * How long the end of the body may take to arrive after {@code [DONE]}. Reading it lets the
   * connection go back to the pool; a stream closed before its end costs the connection.
   */
  private static final long END_GRACE_NANOS = 100_000_000;

  private final ObjectMapper json;
  private final String endpointName;
  private final StreamWatchdog watchdog;
  private final StringBuilder content = new StringBuilder();
  private String finishReason = "";
  private String model = "";
  private boolean usageReported;
  private long inputTokens;
  private long outputTokens;
  private long firstTokenNanos = -1;

  SseStreamReader(ObjectMapper json, String endpointName, StreamWatchdog watchdog) {
    this.json = json;
    this.endpointName = endpointName;
    this.watchdog = watchdog;
  }

  ChatResult read(
      InputStream body, Consumer<StreamChunk> consumer, long start, long deadline, int attempts) {
    try (InputStream in = body;
        StreamWatchdog.Guard guard = watchdog.guard(in, deadline)) {
      try {
        readEvents(in, consumer, start, deadline);
      } catch (IOException e) {
        if (guard.fired()) {
          throw new RoutingException(
              Kind.TIMEOUT, "endpoint '" + endpointName + "': stream did not finish in time");
        }
        throw new RoutingException(
            Kind.IO, "endpoint '" + endpointName + "': stream broke off", 0, null);
      }
    } catch (IOException e) {
      // Closing a finished stream failed; the answer is already complete.
    }
    return new ChatResult(
        content.toString(),
        finishReason,
        model,
        usageReported,
        inputTokens,
        outputTokens,
        System.nanoTime() - start,
        firstTokenNanos,
        attempts);
  }

  private void readEvents(InputStream in, Consumer<StreamChunk> consumer, long start, long deadline)
      throws IOException {
    SseLineReader reader = new SseLineReader(in);
    if (readUntilDone(reader, consumer, start)) {
      readToTheEnd(reader, in, deadline);
    }
  }

  /** Reads events until {@code [DONE]} (true) or the end of the body (false). */
  private boolean readUntilDone(SseLineReader reader, Consumer<StreamChunk> consumer, long start)
      throws IOException {
    StringBuilder data = new StringBuilder();
    boolean hasData = false;
    long arrived = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isEmpty()) {
        if (hasData && dispatch(data.toString(), consumer, start, arrived)) {
          return true;
        }
        data.setLength(0);
        hasData = false;
      } else if (line.startsWith("data:")) {
        if (hasData) {
          data.append('\n');
        } else {
          // The first token's time is when its event arrived, not when it was parsed.
          arrived = System.nanoTime();
        }
        String value = line.substring(5);
        data.append(value.startsWith(" ") ? value.substring(1) : value);
        hasData = true;
      }
      // Comments (":"), "event:", "id:" and "retry:" lines carry nothing a completion needs.
    }
    if (hasData) {
      return dispatch(data.toString(), consumer, start, arrived);
    }
    return false;
  }

  /**
   * Reads what follows {@code [DONE]} (the end of the chunked body, as a rule) for a short grace at
   * most: the answer is complete whatever happens here.
   */
  private void readToTheEnd(SseLineReader reader, InputStream in, long deadline) {
    long graceEnd = Math.min(deadline, System.nanoTime() + END_GRACE_NANOS);
    StreamWatchdog.Guard grace = watchdog.guard(in, graceEnd);
    try {
      // Anything after [DONE] carries nothing a completion needs.
      reader.skipToEnd();
    } catch (IOException e) {
      // The grace ran out or the stream broke after [DONE]; the answer is already complete.
    } finally {
      grace.close();
    }
  }

  /** Handles one event; returns true at {@code [DONE]}. */
  private boolean dispatch(String data, Consumer<StreamChunk> consumer, long start, long arrived) {
    if (DONE.equals(data.strip())) {
      deliver(consumer, new StreamChunk(data, "", true));
      return true;
    }
    JsonNode chunk;
    try {
      chunk = json.readTree(data);
    } catch (IOException e) {
      chunk = null;
    }
    if (chunk == null || !chunk.isObject()) {
      throw new RoutingException(
          Kind.UNPARSABLE, "endpoint '" + endpointName + "': a stream event is not JSON");
    }
    String delta = CompletionParser.deltaContent(chunk);
    if (!delta.isEmpty()) {
      if (firstTokenNanos < 0) {
        firstTokenNanos = arrived - start;
      }
      content.append(delta);
    }
    String finish = CompletionParser.finishReason(chunk);
    if (!finish.isEmpty()) {
      finishReason = finish;
    }
    String chunkModel = CompletionParser.model(chunk);
    if (!chunkModel.isEmpty()) {
      model = chunkModel;
    }
    if (CompletionParser.hasUsage(chunk)) {
      usageReported = true;
      inputTokens = CompletionParser.promptTokens(chunk);
      outputTokens = CompletionParser.completionTokens(chunk);
    }
    deliver(consumer, new StreamChunk(data, delta, false));
    return false;
  }

  private void deliver(Consumer<StreamChunk> consumer, StreamChunk chunk) {
    try {
      consumer.accept(chunk);
    } catch (RuntimeException e) {
      throw new RoutingException(
          Kind.CANCELLED,
          "endpoint '" + endpointName + "': the stream consumer failed, stream abandoned",
          0,
          e);
    }
  }
}
