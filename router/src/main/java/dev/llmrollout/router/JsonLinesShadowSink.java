package dev.llmrollout.router;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends shadow pairs and verdicts to a file, one JSON object per line ({@code "type": "pair"} or
 * {@code "type": "verdict"}), flushed per line so a crash loses at most the line being written.
 *
 * <pre>{@code
 * ShadowSink sink = JsonLinesShadowSink.appendingTo(Path.of("shadow.jsonl"));
 * }</pre>
 */
public final class JsonLinesShadowSink implements ShadowSink {
  private final ObjectMapper json = new ObjectMapper();
  private final Path file;
  private Writer out;

  private JsonLinesShadowSink(Path file, Writer out) {
    this.file = file;
    this.out = out;
  }

  /**
   * Appends to {@code file}, creating it (and opening it) only when the first line is written, so a
   * router that never shadows leaves no file behind.
   */
  public static JsonLinesShadowSink appendingTo(Path file) {
    return new JsonLinesShadowSink(file, null);
  }

  /** Writes to {@code out}, which the sink closes on {@link #close()}. */
  public static JsonLinesShadowSink writingTo(Writer out) {
    return new JsonLinesShadowSink(null, new BufferedWriter(out));
  }

  @Override
  public void record(ShadowRecord pair) {
    ObjectNode line = json.createObjectNode();
    line.put("type", "pair");
    line.put("at", pair.at().toString());
    line.put("requestHash", pair.requestHash());
    line.put("flagKey", pair.flagKey());
    line.set("primary", side(pair.primary()));
    line.set("shadow", side(pair.shadow()));
    ObjectNode diff = line.putObject("diff");
    diff.put("lengthDelta", pair.diff().lengthDelta());
    diff.put("primaryRefusal", pair.diff().primaryRefusal());
    diff.put("shadowRefusal", pair.diff().shadowRefusal());
    diff.put("primaryValidJson", pair.diff().primaryValidJson());
    diff.put("shadowValidJson", pair.diff().shadowValidJson());
    write(line);
  }

  @Override
  public void verdict(ShadowRecord pair, JudgeVerdict verdict) {
    ObjectNode line = json.createObjectNode();
    line.put("type", "verdict");
    line.put("requestHash", pair.requestHash());
    line.put("flagKey", pair.flagKey());
    line.put("primaryVariant", pair.primary().variant());
    line.put("shadowVariant", pair.shadow().variant());
    line.put("preferred", verdict.preferred());
    line.put("score", verdict.score());
    line.put("reason", verdict.reason());
    line.put("judge", verdict.judge());
    write(line);
  }

  private ObjectNode side(ShadowRecord.Side side) {
    ObjectNode node = json.createObjectNode();
    node.put("variant", side.variant());
    node.put("model", side.model());
    node.put("modelVersion", side.modelVersion().orElse(""));
    node.put("endpoint", side.endpoint());
    node.put("content", side.content());
    side.error().ifPresent(error -> node.put("error", error));
    node.put("latencyMillis", side.latencyMillis());
    node.put("inputTokens", side.inputTokens());
    node.put("outputTokens", side.outputTokens());
    return node;
  }

  private synchronized void write(ObjectNode line) {
    try {
      if (out == null) {
        out =
            Files.newBufferedWriter(
                file,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
      }
      out.write(json.writeValueAsString(line));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "shadow sink" + (file == null ? "" : " " + file) + ": write failed", e);
    }
  }

  @Override
  public synchronized void close() {
    if (out == null) {
      return;
    }
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("shadow sink: close failed", e);
    }
  }
}
