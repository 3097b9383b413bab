package dev.llmrollout.router.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code java -jar llm-router.jar serve ...} (or {@code guard ...}, the controller) in a child
 * process, on a port the OS picks.
 */
final class GatewayProcess implements AutoCloseable {
  static final int IT_WARM_UP_REQUESTS = 100;

  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final URI baseUri;
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

  private final StringBuilder output = new StringBuilder();
  private volatile boolean paused;

  GatewayProcess(Path workDir, Map<String, String> env, String... args) throws Exception {
    this(JAVA, "serve", workDir, env, args);
  }

  /** The gateway on the JVM whose launcher is {@code java}. */
  GatewayProcess(Path java, Path workDir, Map<String, String> env, String... args)
      throws Exception {
    this(java, "serve", workDir, env, args);
  }

  /** {@code llm-router guard ...}: the rollout controller. */
  static GatewayProcess controller(Path workDir, Map<String, String> env, String... args)
      throws Exception {
    return new GatewayProcess(JAVA, "guard", workDir, env, args);
  }

  private GatewayProcess(
      Path java, String verb, Path workDir, Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-jar");
    command.add(JarRunner.JAR.toAbsolutePath().toString());
    command.add(verb);
    command.add("--port");
    command.add("0");
    if (verb.equals("serve")) {
      // Every gateway here runs the warm-up path, kept short so a loaded CI machine starts it fast.
      command.add("--warm-up-requests");
      command.add(Integer.toString(IT_WARM_UP_REQUESTS));
    }
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    this.process = builder.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<URI> listening = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    listening.complete(URI.create(m.group(1)));
                  }
                }
                listening.completeExceptionally(
                    new IllegalStateException(verb + " exited: " + output()));
              } catch (IOException e) {
                listening.completeExceptionally(e);
              }
            },
            "gateway-output");
    reader.setDaemon(true);
    reader.start();
    // A loaded CI machine took up to 97 s to start a gateway with no warm-up at all (issue 20).
    this.baseUri = listening.get(180, TimeUnit.SECONDS);
  }

  URI uri(String path) {
    return baseUri.resolve(path);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Posts a JSON body with {@code headers}, name then value. */
  HttpResponse<String> post(String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body, Map<String, String> headers)
      throws IOException, InterruptedException {
    return post(
        path,
        body,
        headers.entrySet().stream()
            .flatMap(h -> Stream.of(h.getKey(), h.getValue()))
            .toArray(String[]::new));
  }

  String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  /**
   * Freezes the process (SIGSTOP), as a long GC pause or a stalled VM would, until {@link #resume}:
   * it neither checks nor writes nor answers, and its clock runs on.
   */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
    paused = true;
  }

  /** Lets a paused process go on (SIGCONT) where it stood. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
    paused = false;
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Sends SIGTERM, as an orchestrator stopping the gateway would, and waits for the exit. */
  void terminate() {
    if (paused) {
      try {
        resume();
      } catch (IOException e) {
        process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      terminate();
    }
  }
}
