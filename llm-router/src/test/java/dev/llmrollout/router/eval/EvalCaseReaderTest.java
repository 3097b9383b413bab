package dev.llmrollout.router.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("issue 10.1: the regression set format; 10.3: a malformed case names line and field")
class EvalCaseReaderTest {
  private static final String GOOD =
      "{\"id\": \"c1\", \"intent\": \"payment\", \"messages\": [{\"role\": \"user\", \"content\":"
          + " \"hi\"}], \"variables\": {\"company\": \"Acme\"}, \"checks\": {\"notRefusal\": true}}";

  private final EvalCaseReader reader = new EvalCaseReader();

  @TempDir Path dir;

  @Test
  @DisplayName("the example set parses, with the demo's payment cases")
  void exampleSetParses() {
    var cases = reader.read(Path.of("..", "examples", "eval", "support-regression.jsonl"));

    assertThat(cases).hasSize(12);
    assertThat(cases).extracting(EvalCase::intent).contains("billing", "shipping", "payment");
    assertThat(cases)
        .filteredOn(c -> c.messages().get(0).content().contains("card ending"))
        .hasSize(3)
        .allSatisfy(c -> assertThat(c.checks()).contains(new CaseCheck.NotRefusal()));
  }

  @Test
  @DisplayName("every check kind is read, and comments and blank lines are skipped")
  void everyCheckKind() throws Exception {
    Path file = dir.resolve("cases.jsonl");
    Files.writeString(
        file,
        "# a comment\n\n"
            + "{\"id\": \"all\", \"intent\": \"billing\", \"messages\": [{\"role\": \"system\","
            + " \"content\": \"be brief\"}, {\"role\": \"user\", \"content\": \"json please\"}],"
            + " \"checks\": {\"contains\": [\"total\", \"EUR\"], \"notContains\": \"4242\","
            + " \"regex\": \"\\\\d+\", \"jsonSchema\": {\"type\": \"object\", \"required\":"
            + " [\"total\"]}, \"notRefusal\": true, \"maxLatencyMs\": 1500, \"maxOutputTokens\":"
            + " 200, \"judge\": {\"reference\": \"Your total is 12 EUR.\", \"minScore\":"
            + " -0.2}}}\n");

    EvalCase c = reader.read(file).get(0);

    assertThat(c.line()).isEqualTo(3);
    assertThat(c.messages()).hasSize(2);
    assertThat(c.checks())
        .hasSize(8)
        .contains(
            new CaseCheck.Contains("total"),
            new CaseCheck.Contains("EUR"),
            new CaseCheck.NotContains("4242"),
            new CaseCheck.NotRefusal(),
            new CaseCheck.MaxLatency(Duration.ofMillis(1500)),
            new CaseCheck.MaxOutputTokens(200));
    assertThat(c.checks()).hasAtLeastOneElementOfType(CaseCheck.Matches.class);
    assertThat(c.checks())
        .filteredOn(CaseCheck.ValidJson.class::isInstance)
        .singleElement()
        .satisfies(j -> assertThat(((CaseCheck.ValidJson) j).schema()).isPresent());
    assertThat(c.judge()).contains(new EvalCase.JudgeThreshold("Your total is 12 EUR.", -0.2));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not JSON | {\"id\": | $ | expected a JSON object",
        "no id | {\"intent\": \"x\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
            + " \"checks\": {\"notRefusal\": true}} | id | expected a non-empty string",
        "no messages | {\"id\": \"a\", \"intent\": \"x\", \"checks\": {\"notRefusal\": true}}"
            + " | messages | expected a non-empty array",
        "bad role | {\"id\": \"a\", \"intent\": \"x\", \"messages\": [{\"role\": \"robot\","
            + " \"content\": \"hi\"}], \"checks\": {\"notRefusal\": true}} | messages[0].role"
            + " | expected one of",
        "no checks | {\"id\": \"a\", \"intent\": \"x\", \"messages\": [{\"role\": \"user\","
            + " \"content\": \"hi\"}]} | checks | at least one check",
        "unknown check | {\"id\": \"a\", \"intent\": \"x\", \"messages\": [{\"role\": \"user\","
            + " \"content\": \"hi\"}], \"checks\": {\"maxLatency\": 5}} | checks.maxLatency"
            + " | unknown field",
        "negative latency | {\"id\": \"a\", \"intent\": \"x\", \"messages\": [{\"role\":"
            + " \"user\", \"content\": \"hi\"}], \"checks\": {\"maxLatencyMs\": -5}}"
            + " | checks.maxLatencyMs | expected a positive whole number",
        "bad regex | {\"id\": \"a\", \"intent\": \"x\", \"messages\": [{\"role\": \"user\","
            + " \"content\": \"hi\"}], \"checks\": {\"regex\": \"(unclosed\"}} | checks.regex"
            + " | expected a regular expression",
        "judge score | {\"id\": \"a\", \"intent\": \"x\", \"messages\": [{\"role\": \"user\","
            + " \"content\": \"hi\"}], \"checks\": {\"judge\": {\"reference\": \"r\","
            + " \"minScore\": 3}}} | checks.judge.minScore | from -1 to 1",
        "variable type | {\"id\": \"a\", \"intent\": \"x\", \"messages\": [{\"role\": \"user\","
            + " \"content\": \"hi\"}], \"variables\": {\"company\": 7}, \"checks\":"
            + " {\"notRefusal\": true}} | variables.company | expected a string"
      })
  void malformedCaseNamesLineAndField(String what, String line, String field, String expected)
      throws Exception {
    Path file = dir.resolve("cases.jsonl");
    Files.writeString(file, GOOD + "\n" + line + "\n");

    assertThatThrownBy(() -> reader.read(file))
        .isInstanceOfSatisfying(
            EvalInputException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.field()).isEqualTo(field);
            })
        .hasMessageStartingWith("line 2, field '" + field + "'")
        .hasMessageContaining(expected);
  }

  @Test
  @DisplayName("a duplicate id names the second line")
  void duplicateId() throws Exception {
    Path file = dir.resolve("cases.jsonl");
    Files.writeString(file, GOOD + "\n" + GOOD + "\n");

    assertThatThrownBy(() -> reader.read(file))
        .hasMessage("line 2, field 'id': 'c1' is used twice");
  }

  @Test
  @DisplayName("an empty set is bad input")
  void emptySet() throws Exception {
    Path file = dir.resolve("cases.jsonl");
    Files.writeString(file, "# nothing\n");

    assertThatThrownBy(() -> reader.read(file))
        .isInstanceOf(EvalInputException.class)
        .hasMessageContaining("holds no case");
  }
}
