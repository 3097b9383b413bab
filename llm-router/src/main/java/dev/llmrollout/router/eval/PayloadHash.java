package dev.llmrollout.router.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * The SHA-256 (hex) of a variant payload's canonical JSON: object keys sorted at every level, no
 * whitespace. Two payloads that differ only in key order or formatting hash the same; any change of
 * model, version, endpoint, prompt or parameter changes the hash.
 */
public final class PayloadHash {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PayloadHash() {}

  /** The hash of {@code payload}. */
  public static String sha256(JsonNode payload) {
    try {
      byte[] canonical =
          JSON.writeValueAsString(canonical(payload)).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash a variant payload", e);
    }
  }

  private static JsonNode canonical(JsonNode node) {
    if (node.isObject()) {
      ObjectNode sorted = JSON.createObjectNode();
      TreeSet<String> names = new TreeSet<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      names.forEach(name -> sorted.set(name, canonical(node.get(name))));
      return sorted;
    }
    if (node.isArray()) {
      ArrayNode array = JSON.createArrayNode();
      node.forEach(element -> array.add(canonical(element)));
      return array;
    }
    return node;
  }
}
