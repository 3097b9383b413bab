package dev.llmrollout.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("canary rules written as their factory calls, as start requests declare them")
class RuleParseTest {

  @Test
  @DisplayName("every factory reads back as the rule it builds, tolerance included")
  void readsEveryFactory() {
    assertThat(Rule.parse("judgeScoreDrop(0.05)")).isEqualTo(Rule.judgeScoreDrop(0.05));
    assertThat(Rule.parse(" judgeScoreDrop( 0.05 ) . tolerating( 0.02 ) "))
        .isEqualTo(Rule.judgeScoreDrop(0.05).tolerating(0.02));
    assertThat(Rule.parse("successRateDrop(0.05)")).isEqualTo(Rule.successRateDrop(0.05));
    assertThat(Rule.parse("errorRateIncrease(0.01)")).isEqualTo(Rule.errorRateIncrease(0.01));
    assertThat(Rule.parse("refusalRateIncrease(0.04).tolerating(0.02)"))
        .isEqualTo(Rule.refusalRateIncrease(0.04).tolerating(0.02));
    assertThat(Rule.parse("feedbackRateIncrease(thumbs_down, 0.02)"))
        .isEqualTo(Rule.feedbackRateIncrease("thumbs_down", 0.02));
    assertThat(Rule.parse("latencyTailIncrease(0.99, 0.02)"))
        .isEqualTo(Rule.latencyTailIncrease(0.99, 0.02));
  }

  @Test
  @DisplayName("a mistake names the text and what was expected")
  void namesTheMistake() {
    assertThatThrownBy(() -> Rule.parse("judgeScoreDrop(0.05, 1)"))
        .hasMessageStartingWith("rule 'judgeScoreDrop(0.05, 1)': expected one of ")
        .hasMessageContaining("judgeScoreDrop(points)");
    assertThatThrownBy(() -> Rule.parse("judgeScoreDrop(five)"))
        .hasMessage("rule 'judgeScoreDrop(five)': 'five' is not a number");
    assertThatThrownBy(() -> Rule.parse("judgeScoreDrop(0.05).tolerating(0.1)"))
        .hasMessageContaining("regressionTolerated is 0.1, expected at least 0 and below");
    assertThatThrownBy(() -> Rule.parse(null)).hasMessageStartingWith("rule 'null': expected");
  }
}
