package dev.llmrollout.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One write-back as the source recorded it, with the flag's state before and after.
 *
 * @param time when the write happened
 * @param flag the flag written
 * @param action {@code set-weights}, {@code kill} or {@code restore}
 * @param before the state before the write (enabled, defaultVariant, weights, killedTo, version)
 * @param after the state after the write, in the same shape
 * @param reason why, as the writer said
 * @param actor who wrote it
 */
public record ChangeRecord(
    Instant time,
    String flag,
    String action,
    JsonNode before,
    JsonNode after,
    String reason,
    String actor) {}
