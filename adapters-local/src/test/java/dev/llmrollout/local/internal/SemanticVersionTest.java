package dev.llmrollout.local.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The version rules {@code sem_ver} applies: Semantic Versioning 2.0.0 precedence, and the syntax
 * of the Go semver package flagd uses (shorthand {@code 1} and {@code 1.2}, an optional v).
 */
class SemanticVersionTest {
  @Test
  void precedenceFollowsSemVer2() {
    // The example chain of semver.org, section 11, then numeric (not textual) comparison.
    List<String> ascending =
        List.of(
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.2",
            "1.9.0",
            "1.10.0",
            "2",
            "10.0.0",
            "99999999999999999999.0.0");
    for (int i = 0; i + 1 < ascending.size(); i++) {
      SemanticVersion lower = SemanticVersion.of(ascending.get(i));
      SemanticVersion higher = SemanticVersion.of(ascending.get(i + 1));
      assertThat(lower.compareTo(higher))
          .as(ascending.get(i) + " < " + ascending.get(i + 1))
          .isNegative();
      assertThat(higher.compareTo(lower)).isPositive();
    }
  }

  @Test
  void buildMetadataAndThePrefixDoNotChangeTheVersion() {
    SemanticVersion plain = SemanticVersion.of("1.0.0");
    for (Object same : List.<Object>of("v1.0.0", "V1.0.0", "1.0.0+build.7", "1", "1.0", 1.0, 1)) {
      assertThat(SemanticVersion.of(same).compareTo(plain)).as(String.valueOf(same)).isZero();
    }
  }

  @Test
  void majorAndMinorMatches() {
    SemanticVersion v = SemanticVersion.of("3.0.1");
    assertThat(v.sameMinor(SemanticVersion.of("3.0.0"))).isTrue();
    assertThat(v.sameMinor(SemanticVersion.of("3.1.0"))).isFalse();
    assertThat(v.sameMajor(SemanticVersion.of("3.9.0-rc.1"))).isTrue();
    assertThat(v.sameMajor(SemanticVersion.of("4.0.0"))).isFalse();
  }

  @ParameterizedTest(name = "not a version: {0}")
  @ValueSource(
      strings = {
        "bad",
        "",
        "v",
        "vv1.0.0",
        "1-pre",
        "1+meta",
        "1.2-pre",
        "1.2+meta",
        "2.0.0.0",
        "01.0.0",
        "1.00.0",
        "1.0.0-",
        "1.0.0-01",
        "1.0.0-a..b",
        "1.0.0+",
        "1.0.0+a+b",
        "1.0.0-a_b",
        " 1.0.0",
        "1.0.0 ",
        "-1.0.0"
      })
  void invalidVersionsAreRejected(String text) {
    assertThat(SemanticVersion.of(text)).isNull();
  }

  @Test
  void numbersAreReadAsFlagdPrintsThem() {
    assertThat(SemanticVersion.of(1.2).compareTo(SemanticVersion.of("1.2.0"))).isZero();
    assertThat(SemanticVersion.of(2.0).compareTo(SemanticVersion.of("2.0.0"))).isZero();
    // Go prints these with an exponent or a sign, which is no version.
    assertThat(SemanticVersion.of(1_000_000.0)).isNull();
    assertThat(SemanticVersion.of(0.00001)).isNull();
    assertThat(SemanticVersion.of(-1.0)).isNull();
    assertThat(SemanticVersion.of(-0.0)).isNull();
    assertThat(SemanticVersion.of(true)).isNull();
    assertThat(SemanticVersion.of(null)).isNull();
  }
}
