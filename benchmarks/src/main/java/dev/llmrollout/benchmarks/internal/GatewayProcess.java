package dev.llmrollout.benchmarks.internal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code llm-router serve} as its own process, as users run it: the local-file backend, the bench
 * endpoints file, port chosen by the system. Also reads the process's heap, thread count, CPU time
 * ({@code /proc}) and allocated bytes (the {@link MeteredGateway} launcher's counters page).
 */
public final class GatewayProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  /**
   * How long a jcmd may take, and a read of the counters page: a gateway out of heap can accept
   * connections and never answer, and the driver must not wait for it forever.
   */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration COUNTERS_TIMEOUT = Duration.ofSeconds(5);

  /**
   * How the gateway's JVM is started: the {@code java} launcher (a JDK's {@code bin/java}) and
   * options before the class path.
   */
  public record Jvm(String java, List<String> options) {
    /** The {@code java} on the PATH (the build's JDK 17), no options. */
    public static Jvm standard() {
      return new Jvm("java", List.of());
    }
  }

  private final Process process;
  private final String baseUrl;
  private final String countersUrl;
  private final long startedNanos = System.nanoTime();
  private final long readyNanos;

  /** Starts the gateway from {@code jar} on the build's JDK and waits until it listens. */
  public GatewayProcess(Path jar, Path flags, Path endpoints, int maxThreads) {
    this(Jvm.standard(), jar, flags, endpoints, maxThreads);
  }

  /** Starts the gateway from {@code jar} on {@code jvm} and waits until it listens. */
  public GatewayProcess(Jvm jvm, Path jar, Path flags, Path endpoints, int maxThreads) {
    this(jvm, jar, flags, endpoints, maxThreads, List.of());
  }

  /**
   * Starts the gateway from {@code jar} on {@code jvm}, with {@code serveOptions} appended to
   * {@code serve}'s command line, and waits until it listens.
   */
  public GatewayProcess(
      Jvm jvm, Path jar, Path flags, Path endpoints, int maxThreads, List<String> serveOptions) {
    List<String> command = new ArrayList<>();
    command.add(jvm.java());
    command.addAll(jvm.options());
    command.addAll(
        List.of(
            "-cp", jar + File.pathSeparator + benchmarkClasses(), MeteredGateway.class.getName()));
    ProcessBuilder builder =
        new ProcessBuilder(
                concat(
                    command,
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
    builder.command().addAll(serveOptions);
    builder.environment().put(EndpointsFile.KEY_ENV, EndpointsFile.KEY_VALUE);
    try {
      process = builder.start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line;
      String url = null;
      String counters = null;
      while (url == null && (line = out.readLine()) != null) {
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.find()) {
          url = matcher.group(1);
        } else if (line.startsWith(MeteredGateway.COUNTERS_LINE)) {
          counters = line.substring(MeteredGateway.COUNTERS_LINE.length()).trim();
        }
      }
      if (url == null || counters == null) {
        throw new IllegalStateException("llm-router serve exited before it listened");
      }
      readyNanos = System.nanoTime();
      baseUrl = url;
      countersUrl = counters;
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

  /** Nanoseconds from the process start to the gateway's "listening" line. */
  public long startupNanos() {
    return readyNanos - startedNanos;
  }

  /** The process id. */
  public long pid() {
    return process.pid();
  }

  /** CPU time (user + system, all threads) the process has used so far, in ns. */
  public long cpuNanos() {
    return ProcessCpu.nanos(process.pid());
  }

  /** Bytes the gateway's JVM has allocated on its heap so far (all threads, dead ones too). */
  public long allocatedBytes() {
    return counters()[0];
  }

  /** Heap in use now (no collection forced), in bytes. */
  public long heapUsed() {
    return counters()[1];
  }

  /** Whether the gateway process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  private long[] counters() {
    URLConnection connection;
    try {
      connection = URI.create(countersUrl).toURL().openConnection();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the gateway's counters", e);
    }
    connection.setConnectTimeout((int) COUNTERS_TIMEOUT.toMillis());
    connection.setReadTimeout((int) COUNTERS_TIMEOUT.toMillis());
    try (InputStream in = connection.getInputStream()) {
      String[] fields = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
      return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the gateway's counters", e);
    }
  }

  private static String benchmarkClasses() {
    try {
      return Path.of(
              MeteredGateway.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  /** Open files (sockets included) of the gateway process, from /proc. */
  public int openFiles() {
    try (var files = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
      return (int) files.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  /** Runs {@code jcmd <pid> <command...>} against the gateway and returns what it printed. */
  public String jcmd(String... command) {
    return jcmd(String.join(" ", command));
  }

  private String jcmd(String command) {
    try {
      // Into a file, not a pipe: reading a pipe would block for as long as a wedged JVM hangs jcmd.
      Path output = Files.createTempFile("jcmd", ".txt");
      try {
        Process jcmd =
            new ProcessBuilder(
                    concat(List.of("jcmd", Long.toString(process.pid())), command.split(" ")))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!jcmd.waitFor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          jcmd.destroyForcibly();
          throw new IllegalStateException(
              "jcmd " + command + " did not finish in " + PROBE_TIMEOUT.toSeconds() + " s");
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        if (jcmd.exitValue() != 0) {
          throw new IllegalStateException("jcmd " + command + " failed: " + printed);
        }
        return printed;
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(40));
  }

  /**
   * Asks the gateway to stop (SIGTERM: it drains and runs its exit work, such as writing a
   * class-data archive) and kills it if it has not exited within {@code grace}.
   */
  public void stop(Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
