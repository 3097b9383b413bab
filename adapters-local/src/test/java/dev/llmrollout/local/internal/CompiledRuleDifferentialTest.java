package dev.llmrollout.local.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Value;
import io.github.jamsesso.jsonlogic.ast.JsonLogicNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, point 1: the compiled targeting rule gives the JsonLogic engine's answer. Random rules
 * over every compiled operator (with operators the compiler leaves to the engine nested among them)
 * and random contexts, from fixed seeds, are evaluated both ways; the variant (or value), whether a
 * split chose it, and whether evaluation failed must all agree.
 *
 * <p>Both paths share flagd's custom operators ({@code fractional}, {@code starts_with}, {@code
 * ends_with}, {@code sem_ver}), so where flagd's spec and json-logic-java differ on the standard
 * operators this test holds the compiled path to json-logic-java, the behaviour users had: numbers
 * read from the context are Doubles (so {@code {"in": [1, "a1.0"]}} looks for {@code "1.0"}), a
 * single array argument stands for the argument list, and loose equality follows json-logic-java's
 * table rather than JavaScript's. Contexts hold only values the OpenFeature SDK can convert for the
 * engine (a {@code Long} attribute makes the engine fail on every rule, the compiled path reads
 * only the attributes a rule names).
 */
class CompiledRuleDifferentialTest {
  private static final int RULES = 4_000;
  private static final int CONTEXTS_PER_RULE = 25;
  private static final String FLAG = "diff-flag";

  @Test
  void compiledRulesAgreeWithTheJsonLogicEngine() {
    RuleGenerator generator = new RuleGenerator(20261122L);
    Set<String> outcomes = new HashSet<>();
    int splits = 0;
    int failures = 0;
    for (int i = 0; i < RULES; i++) {
      JsonNode rule = generator.rule();
      TargetingRule compiled = TargetingRule.compile(rule);
      JsonLogicNode engineRule = JsonLogicEngine.parse(rule, "");
      for (int j = 0; j < CONTEXTS_PER_RULE; j++) {
        EvaluationContext context = generator.context();
        Result expected = engine(engineRule, context);
        Result actual = compiled(compiled, context);
        assertThat(actual)
            .as("rule %s\ncontext %s", rule, context.asObjectMap())
            .isEqualTo(expected);
        outcomes.add(String.valueOf(expected.value()));
        splits += expected.split() ? 1 : 0;
        failures += expected.failed() ? 1 : 0;
      }
    }
    // The generator must reach every kind of answer, or agreement would prove little.
    assertThat(outcomes).contains("true", "false", "null", "internal", "1.0");
    assertThat(splits).isGreaterThan(RULES);
    assertThat(failures).isGreaterThan(0).isLessThan(RULES * CONTEXTS_PER_RULE / 10);
  }

  /**
   * Every compiled operator over every pair from a table of awkward values (case, numeric strings,
   * empty string, zero, booleans, null, a list and a structure), read from the context and written
   * as literals: the loose-equality and truthiness tables are checked cell by cell.
   */
  @Test
  void everyOperatorAgreesOnEveryPairOfAwkwardValues() throws Exception {
    List<Value> values =
        List.of(
            new Value("internal"),
            new Value("Internal"),
            new Value(""),
            new Value("1"),
            new Value("1.0"),
            new Value("0"),
            new Value(" 1 "),
            new Value("abc"),
            new Value("2.0.0"),
            new Value(1),
            new Value(1.0),
            new Value(0),
            new Value(2.5),
            new Value(true),
            new Value(false),
            new Value(),
            new Value(List.of(new Value(1), new Value("1"))),
            new Value(new ImmutableStructure(Map.of("k", new Value("v")))));
    List<String> operators =
        List.of(
            "==",
            "!=",
            "===",
            "!==",
            "<",
            "<=",
            ">",
            ">=",
            "in",
            "starts_with",
            "ends_with",
            "!",
            "!!",
            "and",
            "or",
            "if");
    ObjectMapper json = new ObjectMapper();
    int compared = 0;
    for (String operator : operators) {
      for (Value a : values) {
        for (Value b : values) {
          EvaluationContext context = new ImmutableContext("user-1", Map.of("a", a, "b", b));
          List<JsonNode> rules = new ArrayList<>();
          rules.add(
              json.createObjectNode()
                  .set(operator, json.readTree("[{\"var\": \"a\"}, {\"var\": \"b\"}]")));
          if (!a.isList() && !a.isStructure() && !b.isList() && !b.isStructure()) {
            rules.add(
                json.createObjectNode()
                    .set(operator, json.valueToTree(Arrays.asList(a.asObject(), b.asObject()))));
          }
          for (JsonNode rule : rules) {
            Result expected = engine(JsonLogicEngine.parse(rule, ""), context);
            Result actual = compiled(TargetingRule.compile(rule), context);
            assertThat(actual).as("rule %s, a=%s, b=%s", rule, a, b).isEqualTo(expected);
            compared++;
          }
        }
      }
    }
    assertThat(compared).isGreaterThan(operators.size() * values.size() * values.size());
  }

  private static Result engine(JsonLogicNode rule, EvaluationContext context) {
    Map<String, Object> data = EvaluationData.of(FLAG, context, Instant.now().getEpochSecond());
    try {
      Object value = JsonLogicEngine.evaluate(rule, data, "$");
      return new Result(value, EvaluationData.wasSplit(data), false);
    } catch (RuntimeException e) {
      // The engine's own operators can fail with any exception (cat on null: an NPE).
      return new Result(null, false, true);
    }
  }

  private static Result compiled(TargetingRule rule, EvaluationContext context) {
    try {
      TargetingRule.Outcome outcome = rule.evaluate(FLAG, context.getTargetingKey(), context);
      return new Result(outcome.result(), outcome.split(), false);
    } catch (RuntimeException e) {
      return new Result(null, false, true);
    }
  }

  /** One evaluation's answer; values compare as JSON values (lists and maps by content). */
  private record Result(Object value, boolean split, boolean failed) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Result r
          && Objects.equals(value, r.value)
          && split == r.split
          && failed == r.failed;
    }

    @Override
    public int hashCode() {
      return Objects.hash(value, split, failed);
    }
  }
}
