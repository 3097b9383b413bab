package dev.llmrollout.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 3, point 5: shadow sampling is sticky by targeting key and takes the asked share. */
class StickySamplerTest {

  @Test
  void theSameKeyGetsTheSameAnswerAndTheShareMatchesTheRate() {
    int sampled = 0;
    for (int i = 0; i < 20_000; i++) {
      String key = "session-" + i;
      boolean first = StickySampler.sampled("flag/next", key, 0.1);
      assertThat(StickySampler.sampled("flag/next", key, 0.1)).isEqualTo(first);
      // A larger rate keeps everyone the smaller one had: raising it only adds sessions.
      if (first) {
        assertThat(StickySampler.sampled("flag/next", key, 0.5)).isTrue();
      }
      sampled += first ? 1 : 0;
    }
    // 20,000 keys: within 4 standard deviations (0.85%) of 10%.
    assertThat(sampled / 20_000.0).isBetween(0.0915, 0.1085);
  }

  @Test
  void ratesOfZeroAndOneAreExactAndTheSaltDecorrelatesFlags() {
    int agree = 0;
    for (int i = 0; i < 10_000; i++) {
      String key = "user-" + i;
      assertThat(StickySampler.sampled("a", key, 0)).isFalse();
      assertThat(StickySampler.sampled("a", key, 1)).isTrue();
      if (StickySampler.sampled("a", key, 0.5) == StickySampler.sampled("b", key, 0.5)) {
        agree++;
      }
    }
    assertThat(agree / 10_000.0).isBetween(0.46, 0.54);
  }
}
