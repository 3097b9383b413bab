package dev.llmrollout.appconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.appconfig.internal.StoredDocument;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.FlagState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 8, point 2: edits of the stored document for writes, in both formats. */
class StoredDocumentTest {

  private static StoredDocument stored(DocumentFormat format) throws Exception {
    return StoredDocument.parse(
        FlagDocuments.render(format, List.of(FlagSpec.canarySplit("support-model", 10))));
  }

  @Test
  void killRemembersTheFirstReplacedVersionAcrossRepeatedKills() throws Exception {
    for (DocumentFormat format : List.of(DocumentFormat.FEATURE_FLAGS, DocumentFormat.FLAGD)) {
      StoredDocument killed = stored(format).killed("support-model", "stable", 3);
      StoredDocument again = killed.killed("support-model", "canary", 4);

      FlagState state = again.state("support-model", "5");
      assertThat(state.killedTo()).as("%s", format).contains("stable");
      assertThat(again.killedFrom("support-model")).contains(3);
      assertThat(state.share("canary")).isEqualTo(100.0);
    }
  }

  @Test
  void fractionalWeightsAreWrittenExactlyAndReadBackAsPercentages() throws Exception {
    for (DocumentFormat format : List.of(DocumentFormat.FEATURE_FLAGS, DocumentFormat.FLAGD)) {
      StoredDocument written =
          stored(format).withWeights("support-model", Map.of("stable", 97.5, "canary", 2.5));
      FlagState state = StoredDocument.parse(written.bytes()).state("support-model", "2");
      assertThat(state.weights()).as("%s", format).isEqualTo(Map.of("stable", 97.5, "canary", 2.5));
      assertThat(state.killed()).isFalse();
    }
  }

  @Test
  void restoringAFlagLeavesTheOtherFlagsAsTheyAre() throws Exception {
    StoredDocument before =
        StoredDocument.parse(
            FlagDocuments.render(
                DocumentFormat.FEATURE_FLAGS,
                List.of(
                    FlagSpec.canarySplit("support-model", 10),
                    FlagSpec.canarySplit("summary-model", 10))));
    StoredDocument now =
        before
            .killed("support-model", "stable", 1)
            .withWeights("summary-model", Map.of("stable", 50.0, "canary", 50.0));

    StoredDocument restored = now.withFlagFrom(before, "support-model");

    assertThat(restored.state("support-model", "3").weights())
        .isEqualTo(before.state("support-model", "1").weights());
    assertThat(restored.state("summary-model", "3").share("canary")).isEqualTo(50.0);
    assertThat(restored.sameApartFrom(before, "support-model")).isFalse();
    assertThat(now.sameApartFrom(before.killed("support-model", "stable", 1), "support-model"))
        .isFalse();
  }
}
