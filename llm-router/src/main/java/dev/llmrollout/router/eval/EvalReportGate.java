package dev.llmrollout.router.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.guard.EvalGate;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.spi.VariantPayload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * An {@link EvalGate} over a directory of eval reports: a variant passes when some report for its
 * flag ran a candidate with the same payload hash as the variant serves now, and passed. Editing
 * the variant (model, version, prompt, parameters) changes its hash and needs a new report.
 *
 * <pre>{@code
 * RolloutGuard guard = RolloutGuard.builder(control, router.signals())
 *     .evalGate(EvalReportGate.inDirectory(Path.of("eval-reports"), provider))
 *     .build();
 * }</pre>
 */
public final class EvalReportGate implements EvalGate {
  private final ObjectMapper json = new ObjectMapper();
  private final Path directory;
  private final BiFunction<String, String, Optional<JsonNode>> payloads;

  /**
   * @param directory where {@code llm-router eval} writes its reports
   * @param payloads the payload a flag's variant serves now, by flag key and variant name
   */
  public EvalReportGate(Path directory, BiFunction<String, String, Optional<JsonNode>> payloads) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.payloads = Objects.requireNonNull(payloads, "payloads");
  }

  /** Reads the reports in {@code directory} and the payloads {@code provider} serves now. */
  public static EvalReportGate inDirectory(Path directory, LlmFeatureProvider provider) {
    return new EvalReportGate(
        directory, (flag, variant) -> provider.variant(flag, variant).map(VariantPayload::raw));
  }

  @Override
  public Verdict check(String flagKey, String variant) {
    Optional<JsonNode> payload = payloads.apply(flagKey, variant);
    if (payload.isEmpty()) {
      return new Verdict(
          false, "", "flag '" + flagKey + "' serves no variant '" + variant + "' to hash");
    }
    String hash = PayloadHash.sha256(payload.get());
    List<String> failing = new ArrayList<>();
    for (Path file : reports()) {
      JsonNode report;
      try {
        report = json.readTree(file.toFile());
      } catch (IOException e) {
        continue;
      }
      Optional<Verdict> verdict = judge(report, flagKey, hash, "report " + file.getFileName());
      if (verdict.isPresent() && verdict.get().passed()) {
        return verdict.get();
      }
      verdict.ifPresent(v -> failing.add(v.detail()));
    }
    return new Verdict(
        false,
        hash,
        failing.isEmpty()
            ? "no report in " + directory + " ran this payload"
            : "no report passed for this payload: " + String.join("; ", failing));
  }

  /**
   * Judges one report of {@code llm-router eval} for the payload of {@code flagKey} hashed {@code
   * payloadHash}.
   *
   * @param source how to name the report to people, such as {@code report r.json}
   * @return empty when the report ran another flag or another candidate payload; otherwise whether
   *     it passed
   */
  public static Optional<Verdict> judge(
      JsonNode report, String flagKey, String payloadHash, String source) {
    if (!flagKey.equals(report.path("flag").asText())
        || !payloadHash.equals(report.at("/variants/candidate/payloadSha256").asText())) {
      return Optional.empty();
    }
    long errored = erroredCases(report);
    boolean inconclusive = errored > 0 || "inconclusive".equals(report.path("outcome").asText());
    boolean passed =
        report.path("passed").asBoolean(false)
            && report.path("outcome").asText("pass").equals("pass")
            && !inconclusive;
    String what =
        passed
            ? ") passed for this payload"
            : inconclusive
                ? ") ran this payload but is inconclusive ("
                    + errored
                    + " case(s) errored); run llm-router eval again"
                : ") ran this payload and failed";
    return Optional.of(
        new Verdict(
            passed,
            payloadHash,
            source
                + " ("
                + report.path("mode").asText()
                + " mode, "
                + report.path("startedAt").asText()
                + what));
  }

  /** Cases that errored on either variant: never a pass, whatever the report's verdict says. */
  private static long erroredCases(JsonNode report) {
    long errored = 0;
    for (JsonNode c : report.path("cases")) {
      if (c.at("/baseline/error").isTextual() || c.at("/candidate/error").isTextual()) {
        errored++;
      }
    }
    return errored;
  }

  private List<Path> reports() {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
