package dev.llmrollout.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One line of {@code <flags file>.audit.jsonl}: a write-back, with the flag's state before and
 * after it.
 */
public record AuditRecord(
    Instant time,
    String flag,
    String action,
    JsonNode before,
    JsonNode after,
    String reason,
    String actor) {}
