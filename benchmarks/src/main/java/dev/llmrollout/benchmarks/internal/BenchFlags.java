package dev.llmrollout.benchmarks.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;

/**
 * The flags every benchmark evaluates, written as a flagd flags file: a model flag split 90/10
 * between two variants behind a {@code tier} rule (the shape of a real canary), the same flag
 * without the split (the shape LaunchDarkly's TestData can express), and optional filler flags.
 */
public final class BenchFlags {
  /** The model flag with a rule and a fractional split. */
  public static final String SPLIT_FLAG = "support-model";

  /** The model flag with a rule and a default only. */
  public static final String RULE_FLAG = "support-model-rule";

  /** The endpoint name every variant uses; {@link EndpointsFile} points it at loopback. */
  public static final String ENDPOINT = "bench-pool";

  /** The variant served by the split flag to most keys. */
  public static final String STABLE_JSON = variantJson("bench-stable", "1.1.0", "");

  /** The canary variant. */
  public static final String CANARY_JSON = variantJson("bench-canary", "1.2.0", "");

  private BenchFlags() {}

  /** A model variant on the bench endpoint, with {@code extra} JSON fields appended. */
  public static String variantJson(String model, String version, String extra) {
    return "{\"model\": \""
        + model
        + "\", \"version\": \""
        + version
        + "\", \"endpoint\": \""
        + ENDPOINT
        + "\", \"prompt\": {\"id\": \"support\", \"version\": \"7\", \"messages\": [{\"role\":"
        + " \"system\", \"content\": \"You help with {{product}}.\"}]},"
        + " \"parameters\": {\"temperature\": 0.2, \"max_tokens\": 64}"
        + extra
        + "}";
  }

  /**
   * The flags file content: the split flag (stable variant {@code stableJson}), the rule flag and
   * {@code fillers} more split flags named {@code filler-0...}.
   */
  public static String fileContent(String stableJson, int fillers) {
    StringJoiner flags = new StringJoiner(",\n");
    flags.add(flag(SPLIT_FLAG, stableJson, true));
    flags.add(flag(RULE_FLAG, STABLE_JSON, false));
    for (int i = 0; i < fillers; i++) {
      flags.add(flag("filler-" + i, variantJson("filler-stable-" + i, "1.0." + i, ""), true));
    }
    return "{\"flags\": {\n" + flags + "\n}}\n";
  }

  private static String flag(String key, String stableJson, boolean split) {
    String otherwise =
        split ? "{\"fractional\": [[\"stable\", 90], [\"canary\", 10]]}" : "\"stable\"";
    return "\""
        + key
        + "\": {\"state\": \"ENABLED\", \"defaultVariant\": \"stable\", \"variants\": {"
        + "\"stable\": "
        + stableJson
        + ", \"canary\": "
        + CANARY_JSON
        + ", \"safe\": "
        + variantJson("bench-safe", "1.0.0", "")
        + "}, \"targeting\": {\"if\": [{\"==\": [{\"var\": \"tier\"}, \"internal\"]},"
        + " \"canary\", "
        + otherwise
        + "]}}";
  }

  /** Writes {@link #fileContent} to {@code file}. */
  public static Path write(Path file, String stableJson, int fillers) {
    try {
      Files.writeString(file, fileContent(stableJson, fillers));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the bench flags file " + file, e);
    }
  }
}
