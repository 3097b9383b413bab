package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, point 8: the README's {@code sh} blocks, in order, in one shell, against the built jar,
 * the example files as written and the stand-in endpoints the README starts. Lines that build
 * ({@code ./mvnw}, which made the jar under test) or export secrets (set here explicitly) are left
 * out; nothing else is changed.
 */
class ReadmeCommandsIT {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern SH_BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);
  private static final int[] README_PORTS = {8080, 9001, 9002};

  @TempDir Path dir;

  static List<String> shellBlocks(String readme) {
    List<String> blocks = new ArrayList<>();
    Matcher m = SH_BLOCK.matcher(readme);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  /**
   * The blocks as one script, without the build ({@code ./mvnw}, keeping what a line runs after it)
   * and the secret exports.
   */
  static String script(List<String> blocks) {
    StringBuilder script =
        new StringBuilder("set -e\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n");
    for (String block : blocks) {
      for (String line : block.split("\n", -1)) {
        String trimmed = line.strip();
        if (trimmed.startsWith("export ")) {
          continue;
        }
        String command = line;
        if (trimmed.startsWith("./mvnw")) {
          // The build made the jar under test; what the line runs after it (the demo) still runs.
          int then = trimmed.indexOf("&& ");
          if (then < 0) {
            continue;
          }
          command = trimmed.substring(then + 3);
        }
        script.append(command).append('\n');
      }
      script.append("echo '--- block done ---'\n");
    }
    return script.toString();
  }

  @Test
  @DisplayName("17.8: every README command block runs verbatim and does what the README says")
  void theReadmesCommandsWork() throws Exception {
    for (int port : README_PORTS) {
      assertThat(free(port))
          .as("port %d, used by the README's commands, must be free", port)
          .isTrue();
    }
    List<String> blocks = shellBlocks(Files.readString(REPO.resolve("README.md")));
    assertThat(blocks).as("the README's sh blocks").hasSizeGreaterThanOrEqualTo(7);
    copy(REPO.resolve("examples"), dir.resolve("examples"));
    Files.createDirectories(dir.resolve("llm-router/target"));
    Files.createSymbolicLink(
        dir.resolve("llm-router/target/llm-router.jar"), JarRunner.JAR.toAbsolutePath());

    ProcessBuilder bash = new ProcessBuilder("bash", "-c", script(blocks)).directory(dir.toFile());
    bash.environment().put("STABLE_API_KEY", "readme-stable-key");
    bash.environment().put("CANARY_API_KEY", "readme-canary-key");
    bash.environment().put("LLM_ROUTER_ADMIN_TOKEN", "readme-admin-token");
    bash.environment()
        .put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
    bash.redirectErrorStream(true);
    Process process = bash.start();
    process.getOutputStream().close();
    String output;
    try {
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(6, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the README's commands did not finish");
      }
    } finally {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output.split("--- block done ---", -1)).as(output).hasSize(blocks.size() + 1);
    assertThat(output)
        .contains("segment intent=payment", "final state: ROLLED_BACK")
        .contains("valid: 2 flag(s), 2 endpoint(s)")
        .contains("X-Flag-Key: support-model", "\"object\":\"list\"", "\"flags\":[")
        .contains("verified: the read-back shows the flag restored", "drill passed", "per arm")
        .contains("exit 1: the demo canary refuses the inline-order payment cases")
        .contains("PASS (strict mode): 'canary' may proceed")
        .contains("CANARY step 1 of 4 (5.0%)", "ROLLED_BACK")
        .doesNotContain("Exception", "readme-admin-token", "readme-stable-key");
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return socket.getLocalPort() == port;
    } catch (IOException e) {
      return false;
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }
}
