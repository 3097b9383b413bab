package dev.llmrollout.router.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.VariantPayload;
import dev.llmrollout.variant.InvalidVariantException;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test-only {@link FlagBackend}: flags held in memory as {@link VariantPayload}s parsed once when
 * defined, split by a hash of flag key and targeting key into 10,000 buckets, the default variant
 * served (with TARGETING_KEY_MISSING) when there is no targeting key.
 */
public final class InMemoryFlagBackend implements FlagBackend {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Flag(
      String defaultVariant, Map<String, VariantPayload> variants, Map<String, Integer> weights) {}

  private final Map<String, Flag> flags = new ConcurrentHashMap<>();

  /**
   * Defines a flag.
   *
   * @param variants variant name to JSON payload text
   * @param weights percent per variant, in split order, summing to 100
   */
  public InMemoryFlagBackend flag(
      String key,
      String defaultVariant,
      Map<String, String> variants,
      Map<String, Integer> weights) {
    Map<String, VariantPayload> parsed = new LinkedHashMap<>();
    variants.forEach((name, json) -> parsed.put(name, parse(key, name, json)));
    if (weights.values().stream().mapToInt(Integer::intValue).sum() != 100) {
      throw new IllegalArgumentException("weights of " + key + " must sum to 100");
    }
    flags.put(key, new Flag(defaultVariant, parsed, new LinkedHashMap<>(weights)));
    return this;
  }

  private static VariantPayload parse(String key, String name, String json) {
    try {
      JsonNode node = JSON.readTree(json);
      return VariantPayload.parse(key, name, node, "1");
    } catch (IOException | InvalidVariantException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public String name() {
    return "in-memory-test";
  }

  @Override
  public void start(BackendListener listener, Duration timeout) {}

  @Override
  public Resolution resolve(String flagKey, EvaluationContext context) {
    Flag flag = flags.get(flagKey);
    if (flag == null) {
      return Resolution.notFound(flagKey);
    }
    String key = context.getTargetingKey();
    if (key == null || key.isEmpty()) {
      return Resolution.targetingKeyMissing(flag.variants().get(flag.defaultVariant()));
    }
    int bucket = bucket(flagKey, key);
    int cumulative = 0;
    for (Map.Entry<String, Integer> weight : flag.weights().entrySet()) {
      cumulative += weight.getValue() * 100;
      if (bucket < cumulative) {
        return Resolution.served(flag.variants().get(weight.getKey()), Reason.SPLIT);
      }
    }
    return Resolution.served(flag.variants().get(flag.defaultVariant()), Reason.DEFAULT);
  }

  /** A bucket from 0 to 9,999 from SHA-256 of flag key and targeting key. */
  public static int bucket(String flagKey, String targetingKey) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((flagKey + "/" + targetingKey).getBytes(StandardCharsets.UTF_8));
      long value =
          ((digest[0] & 0xffL) << 24)
              | ((digest[1] & 0xffL) << 16)
              | ((digest[2] & 0xffL) << 8)
              | (digest[3] & 0xffL);
      return (int) (value % 10_000);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Optional<VariantPayload> variant(String flagKey, String variantName) {
    Flag flag = flags.get(flagKey);
    return flag == null ? Optional.empty() : Optional.ofNullable(flag.variants().get(variantName));
  }

  @Override
  public Set<String> flagKeys() {
    return Set.copyOf(flags.keySet());
  }

  @Override
  public void close() {}
}
