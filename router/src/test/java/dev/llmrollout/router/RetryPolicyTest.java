package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 3, point 7: bounded retries with exponential backoff ceilings (jitter is below them). */
class RetryPolicyTest {

  @Test
  void ceilingsDoubleFromTheInitialBackoffUpToTheMaximum() {
    RetryPolicy policy = RetryPolicy.of(6, Duration.ofMillis(100), Duration.ofMillis(500));

    assertThat(policy.ceilingBefore(2)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.ceilingBefore(3)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.ceilingBefore(4)).isEqualTo(Duration.ofMillis(400));
    assertThat(policy.ceilingBefore(5)).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.ceilingBefore(60)).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void badSettingsNameTheField() {
    assertThatThrownBy(() -> RetryPolicy.of(0, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> RetryPolicy.of(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("initialBackoff <= maxBackoff");
  }
}
