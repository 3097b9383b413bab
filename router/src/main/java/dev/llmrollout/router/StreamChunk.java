package dev.llmrollout.router;

/**
 * One server-sent event of a streamed chat completion, passed through as the endpoint sent it.
 *
 * @param data the event's {@code data} field exactly as received (a JSON chunk, or {@code [DONE]})
 * @param textDelta the content this chunk adds to the answer, empty when none
 * @param done true for the final {@code [DONE]} event
 */
public record StreamChunk(String data, String textDelta, boolean done) {}
