package dev.llmrollout.benchmarks.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The endpoints file pointing {@link BenchFlags#ENDPOINT} at a loopback model endpoint. */
public final class EndpointsFile {
  /** The environment variable the endpoint's key is read from. */
  public static final String KEY_ENV = "BENCH_MODEL_KEY";

  /** The key value: a loopback placeholder, never a real credential. */
  public static final String KEY_VALUE = "bench-loopback-placeholder";

  private EndpointsFile() {}

  /** The file's JSON for an endpoint at {@code baseUrl} allowing {@code maxConcurrency} calls. */
  public static String json(String baseUrl, int maxConcurrency) {
    return "{\"endpoints\": {\""
        + BenchFlags.ENDPOINT
        + "\": {\"baseUrl\": \""
        + baseUrl
        + "\", \"apiKeyEnv\": \""
        + KEY_ENV
        + "\", \"timeoutMs\": 60000, \"maxConcurrency\": "
        + maxConcurrency
        + ", \"prices\": {}}}}";
  }

  /** Writes {@link #json} to {@code file}. */
  public static Path write(Path file, String baseUrl, int maxConcurrency) {
    try {
      Files.writeString(file, json(baseUrl, maxConcurrency));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the endpoints file " + file, e);
    }
  }
}
