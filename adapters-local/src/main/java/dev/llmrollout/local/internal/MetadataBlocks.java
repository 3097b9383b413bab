package dev.llmrollout.local.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openfeature.sdk.ImmutableMetadata;
import java.util.Map;
import java.util.Optional;

/**
 * flagd's {@code metadata} blocks, the file's and each flag's: string, number and boolean values
 * that every evaluation of the flag returns as its flag metadata, the flag's keys winning over the
 * file's as in flagd. A null value is left out, as flagd leaves it out.
 */
final class MetadataBlocks {
  private MetadataBlocks() {}

  /**
   * Why {@code block} is not a metadata block, naming the place; empty when it is one or absent.
   */
  static Optional<String> problem(JsonNode block, String path) {
    if (block == null || block.isNull() || block.isMissingNode()) {
      return Optional.empty();
    }
    if (!block.isObject()) {
      return Optional.of("at " + path + ": expected an object of strings, numbers and booleans");
    }
    for (Map.Entry<String, JsonNode> entry : block.properties()) {
      JsonNode value = entry.getValue();
      if (!value.isTextual() && !value.isNumber() && !value.isBoolean() && !value.isNull()) {
        return Optional.of(
            "at "
                + path
                + "."
                + entry.getKey()
                + ": expected a string, number or boolean, found "
                + value);
      }
    }
    return Optional.empty();
  }

  /** The flag metadata of a flag: the file's block, then the flag's (both already checked). */
  static ImmutableMetadata merged(JsonNode fileBlock, JsonNode flagBlock) {
    ImmutableMetadata.ImmutableMetadataBuilder builder = ImmutableMetadata.builder();
    add(builder, fileBlock);
    add(builder, flagBlock);
    return builder.build();
  }

  private static void add(ImmutableMetadata.ImmutableMetadataBuilder builder, JsonNode block) {
    if (block == null || !block.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> entry : block.properties()) {
      String key = entry.getKey();
      JsonNode value = entry.getValue();
      if (value.isTextual()) {
        builder.addString(key, value.textValue());
      } else if (value.isBoolean()) {
        builder.addBoolean(key, value.booleanValue());
      } else if (value.isIntegralNumber() && value.canConvertToInt()) {
        builder.addInteger(key, value.intValue());
      } else if (value.isIntegralNumber() && value.canConvertToLong()) {
        builder.addLong(key, value.longValue());
      } else if (value.isNumber()) {
        builder.addDouble(key, value.doubleValue());
      }
    }
  }
}
