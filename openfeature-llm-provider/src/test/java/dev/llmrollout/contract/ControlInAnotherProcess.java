package dev.llmrollout.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.spi.BackendFactory;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

/**
 * A write-back in a JVM of its own, opened by type through {@link BackendFactory} as the router's
 * CLI would: {@code kill} prints the state and then waits to be killed (a guard that dies right
 * after its kill switch), {@code restore} prints the state and exits.
 *
 * <p>Arguments: {@code <type> <kill|restore> <flag> [safe-variant] -- key=value...}, the factory
 * options after {@code --}; the environment carries the credentials.
 */
public final class ControlInAnotherProcess {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ControlInAnotherProcess() {}

  public static void main(String[] args) throws Exception {
    int separator = List.of(args).indexOf("--");
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = separator + 1; i < args.length; i++) {
      String[] pair = args[i].split("=", 2);
      options.put(pair[0], pair[1]);
    }
    String type = args[0];
    BackendFactory factory =
        ServiceLoader.load(BackendFactory.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(f -> f.type().equals(type))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no backend factory of type " + type));
    RolloutControl control = factory.open(options, System::getenv).control();
    ChangeRequest request =
        ChangeRequest.because("process " + ProcessHandle.current().pid()).by(args[1] + "-process");
    FlagState state =
        args[1].equals("kill")
            ? control.kill(args[2], args[3], request)
            : control.restore(args[2], request);
    System.out.println(JSON.writeValueAsString(ChangeRecord.snapshotOf(state)));
    System.out.flush();
    if (args[1].equals("kill")) {
      Thread.sleep(TimeUnit.MINUTES.toMillis(10)); // until the parent kills this JVM
    }
    System.exit(0);
  }

  /** Starts the child JVM on this JVM's class path; the caller reads its first line and ends it. */
  static Process start(BackendHarness.FactoryLaunch launch, String... command) throws IOException {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    line.add("-cp");
    line.add(System.getProperty("java.class.path"));
    line.add(ControlInAnotherProcess.class.getName());
    line.add(launch.type());
    line.addAll(List.of(command));
    line.add("--");
    launch.options().forEach((k, v) -> line.add(k + "=" + v));
    ProcessBuilder builder = new ProcessBuilder(line);
    builder.environment().putAll(launch.environment());
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    return builder.start();
  }

  /** The child's first line of output: the flag's state as JSON. */
  static String firstLine(Process process) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null) {
      throw new IllegalStateException(
          "the child JVM ended without an answer (exit " + exitOf(process) + ")");
    }
    return line;
  }

  private static String exitOf(Process process) {
    try {
      return process.waitFor(30, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "none";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
