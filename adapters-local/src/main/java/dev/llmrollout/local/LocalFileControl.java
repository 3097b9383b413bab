package dev.llmrollout.local;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.llmrollout.local.internal.FlagFileEditor;
import dev.llmrollout.local.internal.FlagStates;
import dev.llmrollout.local.internal.JsonTextEdit;
import dev.llmrollout.local.internal.LockedFile;
import dev.llmrollout.spi.ChangeHistory;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.Weights;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Writes rollouts back into the flags file: set weights, kill and restore. Each write holds a file
 * lock (so two processes cannot interleave), checks the version the writer read, replaces the file
 * atomically, keeps every other field and the key order, and appends an audit record to {@code
 * <flags file>.audit.jsonl}.
 */
public final class LocalFileControl implements RolloutControl, ChangeHistory {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final Path file;
  private final Path auditFile;

  public LocalFileControl(Path file) {
    this.file = file.toAbsolutePath();
    this.auditFile = this.file.resolveSibling(this.file.getFileName() + ".audit.jsonl");
  }

  public Path auditFile() {
    return auditFile;
  }

  @Override
  public FlagState state(String flagKey) {
    return FlagStates.of(flagKey, flag(readRoot(), flagKey));
  }

  @Override
  public FlagState setWeights(String flagKey, Map<String, Double> weights, ChangeRequest request) {
    return write(
        flagKey,
        "set-weights",
        request,
        (flag, original) -> {
          Weights.validate(flagKey, weights, FlagStates.of(flagKey, flag));
          FlagFileEditor.setWeights(flagKey, flag, weights);
          return Map.of();
        });
  }

  @Override
  public FlagState kill(String flagKey, String safeVariant, ChangeRequest request) {
    return write(
        flagKey,
        "kill",
        request,
        (flag, original) -> {
          FlagFileEditor.kill(flagKey, flag, safeVariant, original);
          return Map.of();
        });
  }

  @Override
  public FlagState restore(String flagKey, ChangeRequest request) {
    return write(
        flagKey, "restore", request, (flag, original) -> FlagFileEditor.restore(flagKey, flag));
  }

  /**
   * Stores the rollout record in the flag's metadata under {@value FlagStates#ROLLOUT_RECORD}, as a
   * JSON string, under the same lock, version check and atomic replace as every other write. Record
   * writes are not appended to the audit log: they change nothing the flag serves, and a lease
   * renewal would otherwise add a line per check.
   */
  @Override
  public FlagState writeRolloutRecord(String flagKey, String recordJson, ChangeRequest request) {
    return write(
        flagKey,
        null,
        request,
        (flag, original) -> {
          FlagFileEditor.setRolloutRecord(flagKey, flag, recordJson);
          return Map.of();
        });
  }

  @Override
  public List<ChangeRecord> recentChanges(String flagKey, int limit) {
    if (!Files.exists(auditFile)) {
      return List.of();
    }
    try {
      List<ChangeRecord> records = new ArrayList<>();
      for (String line : Files.readAllLines(auditFile)) {
        ChangeRecord record = JSON.readValue(line, ChangeRecord.class);
        if (record.flag().equals(flagKey)) {
          records.add(record);
        }
      }
      return records.subList(Math.max(0, records.size() - limit), records.size());
    } catch (IOException e) {
      throw new WriteBackException(
          Kind.UNAVAILABLE,
          flagKey,
          auditFile + ": cannot read the audit log: " + e.getMessage(),
          e);
    }
  }

  /**
   * One edit of a flag's definition: it changes the tree and returns, per top-level field of the
   * flag, text to write for that field's new value (or nothing, to let the file format it).
   */
  @FunctionalInterface
  private interface FlagEdit {
    Map<String, String> apply(ObjectNode flag, UnaryOperator<String> originalFieldText);
  }

  /**
   * Applies {@code edit} under the file lock; {@code action} names the audit record, null for none.
   */
  private FlagState write(String flagKey, String action, ChangeRequest request, FlagEdit edit) {
    try {
      return LockedFile.withLock(
          file,
          () -> {
            String text = Files.readString(file);
            ObjectNode root = parseRoot(text);
            ObjectNode flag = flag(root, flagKey);
            FlagState before = FlagStates.of(flagKey, flag);
            checkVersion(flagKey, before, request);
            JsonPointer flagPointer =
                JsonPointer.empty().appendProperty("flags").appendProperty(flagKey);
            Map<String, String> fieldTexts =
                edit.apply(flag, field -> originalText(text, flagPointer.appendProperty(field)));
            Map<JsonPointer, String> texts = new HashMap<>();
            fieldTexts.forEach((field, t) -> texts.put(flagPointer.appendProperty(field), t));
            LockedFile.replace(file, JsonTextEdit.rewrite(text, root, texts));
            FlagState after = state(flagKey);
            if (action == null) {
              return after;
            }
            audit(
                new ChangeRecord(
                    Instant.now(),
                    flagKey,
                    action,
                    ChangeRecord.snapshotOf(before),
                    ChangeRecord.snapshotOf(after),
                    request.reason(),
                    request.actor()));
            return after;
          });
    } catch (IOException e) {
      throw new WriteBackException(
          Kind.UNAVAILABLE, flagKey, file + ": cannot write the flags file: " + e.getMessage(), e);
    }
  }

  private static void checkVersion(String flagKey, FlagState current, ChangeRequest request) {
    request
        .expectedVersion()
        .filter(expected -> !expected.equals(current.version()))
        .ifPresent(
            expected -> {
              throw new WriteBackException(
                  Kind.CONFLICT,
                  flagKey,
                  "flag '"
                      + flagKey
                      + "' changed since version "
                      + expected
                      + " (now "
                      + current.version()
                      + "); read its state again");
            });
  }

  private void audit(ChangeRecord record) throws IOException {
    Files.writeString(
        auditFile,
        JSON.writeValueAsString(record) + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static String originalText(String text, JsonPointer pointer) {
    try {
      return JsonTextEdit.originalText(text, pointer);
    } catch (IOException e) {
      throw new IllegalStateException("the flags file parsed once and must parse again", e);
    }
  }

  private ObjectNode readRoot() {
    try {
      return parseRoot(Files.readString(file));
    } catch (IOException e) {
      throw new WriteBackException(
          Kind.UNAVAILABLE, "", file + ": cannot read the flags file: " + e.getMessage(), e);
    }
  }

  private ObjectNode parseRoot(String text) {
    try {
      JsonNode root = JSON.readTree(text);
      if (root instanceof ObjectNode object && object.path("flags").isObject()) {
        return object;
      }
      throw new WriteBackException(
          Kind.INVALID_REQUEST, "", file + ": expected an object with a \"flags\" object");
    } catch (JsonProcessingException e) {
      throw new WriteBackException(
          Kind.INVALID_REQUEST, "", file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private ObjectNode flag(ObjectNode root, String flagKey) {
    JsonNode flag = root.get("flags").get(flagKey);
    if (!(flag instanceof ObjectNode object)) {
      throw new WriteBackException(
          Kind.NOT_FOUND, flagKey, "flag '" + flagKey + "' is not defined in " + file);
    }
    return object;
  }
}
