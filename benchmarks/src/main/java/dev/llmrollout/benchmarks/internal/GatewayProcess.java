package dev.llmrollout.benchmarks.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code llm-router serve} as its own process, as users run it: the local-file backend, the bench
 * endpoints file, port chosen by the system. Also reads the process's heap and thread count.
 */
public final class GatewayProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  private final Process process;
  private final String baseUrl;

  /** Starts the gateway from {@code jar} and waits until it listens. */
  public GatewayProcess(Path jar, Path flags, Path endpoints, int maxThreads) {
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    "java",
                    "-jar",
                    jar.toString(),
                    "serve",
                    "--backend",
                    "local",
                    "--flags",
                    flags.toString(),
                    "--endpoints",
                    endpoints.toString(),
                    "--port",
                    "0",
                    "--default-flag",
                    BenchFlags.SPLIT_FLAG,
                    "--max-threads",
                    Integer.toString(maxThreads)))
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put(EndpointsFile.KEY_ENV, EndpointsFile.KEY_VALUE);
    try {
      process = builder.start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line;
      String url = null;
      while (url == null && (line = out.readLine()) != null) {
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.find()) {
          url = matcher.group(1);
        }
      }
      if (url == null) {
        throw new IllegalStateException("llm-router serve exited before it listened");
      }
      baseUrl = url;
      Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "gateway-stdout");
      drain.setDaemon(true);
      drain.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start llm-router serve from " + jar, e);
    }
  }

  /** The gateway's chat completions URL. */
  public String completionsUrl() {
    return baseUrl + "/v1/chat/completions";
  }

  /** CPU time the gateway process has used so far (all its threads), in nanoseconds. */
  public long cpuNanos() {
    return process
        .info()
        .totalCpuDuration()
        .orElseThrow(() -> new IllegalStateException("the OS reports no CPU time for the gateway"))
        .toNanos();
  }

  /** Live threads of the gateway process, from /proc. */
  public int threads() {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
          .filter(l -> l.startsWith("Threads:"))
          .map(l -> Integer.parseInt(l.substring("Threads:".length()).trim()))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no Threads line in /proc status"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Heap in use after a full collection, in bytes, read with jcmd. */
  public long heapUsedAfterGc() {
    jcmd("GC.run");
    Matcher matcher = HEAP_USED.matcher(jcmd("GC.heap_info"));
    if (!matcher.find()) {
      throw new IllegalStateException("jcmd GC.heap_info printed no 'used' figure");
    }
    return Long.parseLong(matcher.group(1)) * 1024;
  }

  private String jcmd(String command) {
    try {
      Process jcmd =
          new ProcessBuilder("jcmd", Long.toString(process.pid()), command)
              .redirectErrorStream(true)
              .start();
      String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + command + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
