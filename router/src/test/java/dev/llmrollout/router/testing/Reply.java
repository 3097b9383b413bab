package dev.llmrollout.router.testing;

/**
 * What the loopback model server answers to one request.
 *
 * @param status HTTP status; anything but 200 is sent with {@link #rawBody} as the body
 * @param content the assistant's answer
 * @param rawBody when not empty, sent verbatim instead of a completion (to script garbage)
 * @param delayMillis wait before answering
 * @param streamChunks how many content chunks a streamed answer is split into
 * @param chunkDelayMillis wait after each streamed chunk
 * @param inputTokens reported prompt tokens
 * @param outputTokens reported completion tokens
 */
public record Reply(
    int status,
    String content,
    String rawBody,
    long delayMillis,
    int streamChunks,
    long chunkDelayMillis,
    long inputTokens,
    long outputTokens) {
  /** The status that stands for {@link #droppedConnection()}. */
  public static final int DROPPED_CONNECTION = 0;

  public static Reply answer(String content) {
    return new Reply(200, content, "", 0, 3, 0, 12, 7);
  }

  public static Reply status(int status) {
    return new Reply(status, "", "{\"error\":{\"message\":\"scripted\"}}", 0, 1, 0, 0, 0);
  }

  /** No answer at all: the server reads the request and closes the connection. */
  public static Reply droppedConnection() {
    return new Reply(DROPPED_CONNECTION, "", "", 0, 1, 0, 0, 0);
  }

  /** A 200 whose body is {@code raw} as it is, such as text that is not JSON. */
  public static Reply raw(String raw) {
    return new Reply(200, "", raw, 0, 1, 0, 0, 0);
  }

  public Reply delayed(long millis) {
    return new Reply(
        status,
        content,
        rawBody,
        millis,
        streamChunks,
        chunkDelayMillis,
        inputTokens,
        outputTokens);
  }

  public Reply streamedIn(int chunks, long delayEachMillis) {
    return new Reply(
        status, content, rawBody, delayMillis, chunks, delayEachMillis, inputTokens, outputTokens);
  }

  public Reply tokens(long input, long output) {
    return new Reply(
        status, content, rawBody, delayMillis, streamChunks, chunkDelayMillis, input, output);
  }

  /** A status reply with this body (which may echo what a test wants to look for). */
  public Reply body(String body) {
    return new Reply(
        status,
        content,
        body,
        delayMillis,
        streamChunks,
        chunkDelayMillis,
        inputTokens,
        outputTokens);
  }
}
