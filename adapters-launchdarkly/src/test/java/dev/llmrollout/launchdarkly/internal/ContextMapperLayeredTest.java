package dev.llmrollout.launchdarkly.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.launchdarkly.sdk.LDContext;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.LayeredEvaluationContext;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.Value;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, point 1: the mapping reads the context through its read-only view instead of a copy.
 * What the OpenFeature client hands the provider (a layered context of API, transaction, client and
 * invocation contexts) must map to the same LaunchDarkly context as one flat context holding the
 * merged attributes, for every attribute type; random contexts with a fixed seed.
 */
class ContextMapperLayeredTest {
  private static final List<String> NAMES =
      List.of("tier", "region", "seats", "name", "anonymous", "since", "beta", "tags", "org");

  @Test
  void aLayeredContextMapsLikeTheFlatContextOfItsMergedAttributes() {
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < 2_000; i++) {
      Map<String, Value> api = attributes(random);
      Map<String, Value> client = attributes(random);
      Map<String, Value> invocation = attributes(random);
      String key = random.nextInt(5) == 0 ? null : "user-" + random.nextInt(1_000);
      Map<String, Value> merged = new HashMap<>(api);
      merged.putAll(client);
      merged.putAll(invocation);
      EvaluationContext layered =
          new LayeredEvaluationContext(
              new ImmutableContext(api),
              new ImmutableContext(),
              new ImmutableContext(client),
              new ImmutableContext(key, invocation));
      EvaluationContext flat = new ImmutableContext(key, merged);

      Optional<LDContext> fromLayered = ContextMapper.toLaunchDarkly(layered);
      assertThat(fromLayered).as("context %d", i).isEqualTo(ContextMapper.toLaunchDarkly(flat));
      assertThat(fromLayered.isPresent()).as("context %d has a key", i).isEqualTo(key != null);
    }
  }

  @Test
  void aMutableContextChangedAfterAnEvaluationMapsItsNewAttributes() {
    MutableContext context = new MutableContext("user-1").add("tier", "free");
    assertThat(ContextMapper.toLaunchDarkly(context).orElseThrow().getValue("tier").stringValue())
        .isEqualTo("free");
    context.add("tier", "gold");
    assertThat(ContextMapper.toLaunchDarkly(context).orElseThrow().getValue("tier").stringValue())
        .isEqualTo("gold");
  }

  private static Map<String, Value> attributes(SplittableRandom random) {
    Map<String, Value> attributes = new HashMap<>();
    int count = random.nextInt(4);
    for (int i = 0; i < count; i++) {
      String name = NAMES.get(random.nextInt(NAMES.size()));
      attributes.put(name, value(name, random));
    }
    return attributes;
  }

  private static Value value(String name, SplittableRandom random) {
    return switch (name) {
      case "seats" -> random.nextBoolean() ? new Value(random.nextInt(100)) : new Value(2.5);
      case "anonymous", "beta" -> new Value(random.nextBoolean());
      case "since" -> new Value(Instant.ofEpochSecond(1_700_000_000L + random.nextInt(1_000)));
      case "tags" -> new Value(List.of(new Value("a" + random.nextInt(3)), new Value("b")));
      case "org" ->
          new Value(
              new ImmutableStructure(
                  Map.of("id", new Value("org-" + random.nextInt(10)), "paid", new Value(true))));
      default -> new Value(name + "-" + random.nextInt(4));
    };
  }
}
