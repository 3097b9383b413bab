package dev.llmrollout.local.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.local.conformance.GherkinScenarios.Scenario;
import dev.llmrollout.local.conformance.GherkinScenarios.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The step interpreter's reader expands outlines, inherits tags and undoes table escapes. */
class GherkinScenariosTest {
  private static final String FEATURE =
      """
      @feature-tag
      Feature: sample
        # a comment
        Background:
          Given an evaluator

        Scenario: plain
          When the flag was evaluated with details
          Then the resolved metadata should contain
            | key | value  |
            | a   | x\\|y  |

        Scenario Outline: outline
          Given a String-flag with key "<key>" and a fallback value "<default>"

          @old
          Examples: v1
            | key | default       |
            | one | {\\"a\\": 1}  |

          Examples:
            | key | default |
            | two | b       |
      """;

  @Test
  void anOutlineBecomesOneScenarioPerRowNamedAfterIt() {
    List<Scenario> scenarios = GherkinScenarios.parse("sample.feature", FEATURE);

    assertThat(scenarios)
        .extracting(Scenario::name)
        .containsExactly(
            "sample.feature: plain",
            "sample.feature: outline [v1 #1: key=one, default={\\\"a\\\": 1}]",
            "sample.feature: outline [Examples #1: key=two, default=b]");
    assertThat(scenarios.get(1).tags()).containsExactly("@feature-tag", "@old");
    assertThat(scenarios.get(2).tags()).containsExactly("@feature-tag");
    assertThat(scenarios.get(2).steps())
        .extracting(Step::text)
        .containsExactly(
            "an evaluator", "a String-flag with key \"two\" and a fallback value \"b\"");
    assertThat(scenarios.get(0).steps().get(2).table())
        .containsExactly(List.of("key", "value"), List.of("a", "x|y"));
  }

  @Test
  void aLineItCannotReadFailsNamingIt() {
    assertThatThrownBy(
            () -> GherkinScenarios.parse("bad.feature", "Feature: f\n  Scenario: s\n    Maybe x"))
        .hasMessage("bad.feature:3: cannot read 'Maybe x'");
  }
}
