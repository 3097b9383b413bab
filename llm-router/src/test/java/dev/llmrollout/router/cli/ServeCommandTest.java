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

/** {@code llm-router serve} refuses a bad warm-up option with exit 2 and a message naming it. */
class ServeCommandTest {
  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private Run serve(String... args) throws Exception {
    Path flags = dir.resolve("flags.json");
    Files.writeString(flags, "{\"flags\": {}}");
    Path endpoints = dir.resolve("endpoints.json");
    Files.writeString(endpoints, "{\"endpoints\": {}}");
    List<String> command =
        new ArrayList<>(
            List.of(
                "serve",
                "--flags",
                flags.toString(),
                "--endpoints",
                endpoints.toString(),
                "--port",
                "0"));
    command.addAll(List.of(args));
    CommandLine commandLine = LlmRouterCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));
    commandLine.setOut(new PrintWriter(out));
    int code = commandLine.execute(command.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  @DisplayName("a negative number of warm-up requests is bad usage, named")
  void negativeWarmUpIsBadUsage() throws Exception {
    Run run = serve("--warm-up-requests", "-1");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .contains("--warm-up-requests -1: expected 0 (no warm-up) or a positive number");
    assertThat(run.out()).doesNotContain("listening");
  }

  @Test
  @DisplayName("a warm-up count that is not a number is bad usage, named")
  void nonNumericWarmUpIsBadUsage() throws Exception {
    Run run = serve("--warm-up-requests", "lots");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--warm-up-requests").contains("lots");
    assertThat(run.out()).doesNotContain("listening");
  }
}
