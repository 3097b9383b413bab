package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 15.3: {@code llm-router guard} refuses bad options with exit 2 and a message naming them.
 */
class GuardCommandTest {
  @TempDir Path dir;

  private record Run(int exitCode, String err) {}

  private Run guard(String... args) throws Exception {
    Path flags = dir.resolve("flags.json");
    Files.writeString(flags, "{\"flags\": {}}");
    List<String> command = new ArrayList<>(List.of("guard", "--flags", flags.toString()));
    command.addAll(List.of(args));
    CommandLine commandLine = LlmRouterCommand.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));
    commandLine.setOut(new PrintWriter(new StringWriter()));
    int code = commandLine.execute(command.toArray(String[]::new));
    return new Run(code, err.toString());
  }

  @Test
  @DisplayName("a Prometheus URL that is not http(s) is bad usage, named")
  void aNonHttpPrometheusUrlIsBadUsage() throws Exception {
    Run run = guard("--prometheus", "ftp://prometheus:9090");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .contains("--prometheus ftp://prometheus:9090: expected an http or https URL");
  }

  @Test
  @DisplayName("credentials in the Prometheus URL are refused and never echoed")
  void credentialsInThePrometheusUrlAreRefused() throws Exception {
    Run run = guard("--prometheus", "http://alice:s3cret@prometheus:9090");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("without credentials").doesNotContain("s3cret");
  }

  @Test
  @DisplayName("a minimum of no targets is bad usage")
  void zeroMinTargetsIsBadUsage() throws Exception {
    Run run = guard("--prometheus", "http://127.0.0.1:9", "--min-targets", "0");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--min-targets 0: expected 1 or more");
  }

  @Test
  @DisplayName("--prometheus is required")
  void thePrometheusUrlIsRequired() throws Exception {
    Run run = guard();
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--prometheus");
  }

  @Test
  @DisplayName("a lease shorter than three check intervals is bad usage, named")
  void aLeaseShorterThanThreeChecksIsBadUsage() throws Exception {
    Run run =
        guard(
            "--prometheus",
            "http://127.0.0.1:9",
            "--guard-check-interval",
            "10s",
            "--lease-ttl",
            "20s");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--lease-ttl PT20S: expected at least three check intervals");
  }

  @Test
  @DisplayName("a blank guard id is bad usage")
  void aBlankGuardIdIsBadUsage() throws Exception {
    Run run = guard("--prometheus", "http://127.0.0.1:9", "--guard-id", " ");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--guard-id: expected a non-blank id");
  }

  @Test
  @DisplayName("issue 15: a credentials variable that is not set is bad usage, named")
  void anUnsetCredentialsVariableIsBadUsage() throws Exception {
    Run run =
        guard(
            "--prometheus",
            "http://127.0.0.1:9",
            "--prometheus-bearer-token-env",
            "LLM_ROUTER_TEST_VARIABLE_THAT_IS_NOT_SET");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .contains(
            "--prometheus-bearer-token-env LLM_ROUTER_TEST_VARIABLE_THAT_IS_NOT_SET: the"
                + " environment variable LLM_ROUTER_TEST_VARIABLE_THAT_IS_NOT_SET is not set or"
                + " empty");
  }

  @Test
  @DisplayName("issue 15: a bearer token and basic auth at once are bad usage")
  void twoKindsOfCredentialsAreBadUsage() throws Exception {
    Run run =
        guard(
            "--prometheus",
            "http://127.0.0.1:9",
            "--prometheus-bearer-token-env",
            "PATH",
            "--prometheus-user",
            "fleet",
            "--prometheus-password-env",
            "PATH");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("expected one kind of credentials");
  }

  @Test
  @DisplayName("issue 15: a basic auth user without a password variable is bad usage")
  void aUserWithoutPasswordIsBadUsage() throws Exception {
    Run run = guard("--prometheus", "http://127.0.0.1:9", "--prometheus-user", "fleet");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .contains("--prometheus-user and --prometheus-password-env: expected both for basic auth");
  }
}
