package dev.llmrollout.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmrollout.spi.Resolution;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 9, point 1: {@code sem_ver} as flagd-testbed specifies it ({@code
 * gherkin/targeting.feature} {@code @semver} and {@code @operator-errors} scenarios, on flags
 * shaped like the testbed's), and targeting that can never work rejected at load with the flag and
 * the field named, while the last good configuration keeps serving.
 */
class SemVerAndLoadErrorsTest {
  private static final String VARIANTS =
      "\"variants\": {\"equal\": {\"model\": \"m\"}, \"greater\": {\"model\": \"m\"},"
          + " \"lesser\": {\"model\": \"m\"}, \"none\": {\"model\": \"m\"},"
          + " \"true\": {\"model\": \"m\"}, \"false\": {\"model\": \"m\"},"
          + " \"fallback\": {\"model\": \"m\"}}, \"defaultVariant\": \"fallback\"";

  /** The testbed's version flag without its branch naming the undefined variant 'fail'. */
  private static final String VERSION_FLAG =
      flag(
          "equal-greater-lesser",
          """
          {"if": [{"sem_ver": [{"var": "version"}, "=", "2.0.0"]}, "equal",
                  {"if": [{"sem_ver": [{"var": "version"}, ">", "2.0.0"]}, "greater",
                          {"if": [{"sem_ver": [{"var": "version"}, "<", "2.0.0"]}, "lesser",
                                  "none"]}]}]}""");

  @TempDir Path dir;
  private Path file;
  private LocalFileBackend backend;
  private final RecordingListener listener = new RecordingListener();

  private static String flag(String key, String targeting) {
    return "\""
        + key
        + "\": {\"state\": \"ENABLED\", "
        + VARIANTS
        + ", \"targeting\": "
        + targeting
        + "}";
  }

  private static String file(String... flags) {
    return "{\"flags\": {" + String.join(",\n", flags) + "}}";
  }

  @BeforeEach
  void start() throws Exception {
    file = dir.resolve("flags.json");
    Files.writeString(
        file,
        file(
            VERSION_FLAG,
            flag(
                "semver-invalid-version",
                "{\"sem_ver\": [{\"var\": \"version\"}, \"=\", \"1.0.0\"]}"),
            flag("starts-with-non-string", "{\"starts_with\": [{\"var\": \"num\"}, \"abc\"]}"),
            flag("ends-with-non-string", "{\"ends_with\": [{\"var\": \"num\"}, \"xyz\"]}")));
    backend = LocalFileBackend.watching(file);
    backend.start(listener, Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    backend.close();
  }

  private Resolution resolve(String flag, String attribute, Value value) {
    return backend.resolve(flag, new ImmutableContext("user-1", Map.of(attribute, value)));
  }

  @ParameterizedTest(name = "sem_ver: {0} -> {1}")
  @CsvSource({
    "2.0.0, equal",
    "2.1.0, greater",
    "1.9.0, lesser",
    "2.0.0-alpha, lesser",
    "2.0.0.0, none"
  })
  void semVerComparesVersions(String version, String expected) {
    assertThat(resolve("equal-greater-lesser", "version", new Value(version)).variant().name())
        .isEqualTo(expected);
  }

  @Test
  void aContextValueThatIsNotAVersionServesTheDefaultVariant() {
    Resolution r = resolve("semver-invalid-version", "version", new Value("not-a-version"));
    assertThat(r.variant().name()).isEqualTo("fallback");
    assertThat(r.reason()).isEqualTo(Reason.DEFAULT.name());
  }

  @Test
  void startsWithAndEndsWithOnANonStringServeTheDefaultVariant() {
    for (String flag : List.of("starts-with-non-string", "ends-with-non-string")) {
      Resolution r = resolve(flag, "num", new Value(123));
      assertThat(r.variant().name()).as(flag).isEqualTo("fallback");
      assertThat(r.reason()).as(flag).isEqualTo(Reason.DEFAULT.name());
    }
  }

  /**
   * flagd answers these at run time with null (the default variant); we reject them when the file
   * loads, since they can never match, and name the flag and the place in its targeting; so are
   * operators neither JsonLogic nor flagd defines, such as a misspelled {@code fractional} (issue
   * 17, point 2).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"sem_ver\": [{\"var\": \"version\"}, \"===\", \"1.0.0\"]}"
            + "| $.targeting.sem_ver[1]: expected one of the operators [!=, <, <=, =, >, >=, ^, ~], found \"===\"",
        "{\"sem_ver\": [{\"var\": \"version\"}, \"=\"]}"
            + "| $.targeting.sem_ver: expected 3 arguments [version, operator, version], found 2",
        "{\"if\": [{\"sem_ver\": [{\"var\": \"version\"}, \">=\", 2.0]}, \"true\", {\"sem_ver\":"
            + " [{\"var\": \"v\"}, \"=\", \"2.0.0.0\"]}, \"false\"]}"
            + "| $.targeting.if[2].sem_ver[2]: expected a semantic version such as \"1.2.3\" or"
            + " \"v2.0\", found \"2.0.0.0\"",
        "{\"sem_ver\": [true, \"=\", \"1.0.0\"]}"
            + "| $.targeting.sem_ver[0]: expected a semantic version",
        "{\"starts_with\": [\"abc\"]}"
            + "| $.targeting.starts_with: expected 2 arguments [value, prefix], found 1",
        "{\"if\": [{\"==\": [{\"var\": \"a\"}, 1, 2]}, \"true\", \"false\"]}"
            + "| $.targeting.if[0].==: expected 2 arguments, found 3",
        "{\"and\": []}| $.targeting.and: expected at least one argument",
        "{\"fractionl\": [[\"true\", 50], [\"false\", 50]]}"
            + "| $.targeting: expected a JsonLogic or flagd operator, found 'fractionl'",
        "{\"if\": [{\"starts_wth\": [{\"var\": \"a\"}, \"x\"]}, \"true\", \"false\"]}"
            + "| $.targeting.if[0]: expected a JsonLogic or flagd operator, found 'starts_wth'",
        "{\"if\": [{\">\": [1]}, \"true\", \"false\"]}"
            + "| $.targeting.if[0].>: expected 2 or 3 arguments, found 1",
        "{\"if\": [{\"in\": [\"x\"]}, \"true\", \"false\"]}"
            + "| $.targeting.if[0].in: expected 2 arguments, found 1",
        "{\"if\": [{\"==\": [{\"var\": \"a\"}, 1]}, \"true\", \"nope\"]}"
            + "| $.targeting: expected variant names defined by the flag"
      })
  void targetingThatCanNeverWorkIsRejectedAtLoadAndTheLastGoodConfigurationServes(
      String targeting, String message) throws Exception {
    String bad = flag("equal-greater-lesser", targeting);
    Files.writeString(file, file(bad));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> listener.errors.stream().anyMatch(e -> e.contains("'equal-greater-lesser'")));
    assertThat(listener.errors.get(listener.errors.size() - 1))
        .contains("flag 'equal-greater-lesser': at " + message.strip());
    assertThat(resolve("equal-greater-lesser", "version", new Value("2.1.0")).variant().name())
        .isEqualTo("greater");
  }
}
