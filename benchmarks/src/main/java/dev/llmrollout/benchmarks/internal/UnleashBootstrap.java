package dev.llmrollout.benchmarks.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark's split flag as Unleash's client API serves it (a flexibleRollout strategy whose
 * variants carry the model variants as JSON payloads, weights 900/100), written as the client's
 * backup file, and an API address on 127.0.0.1 where nothing listens: both clients start from the
 * bootstrap and never reach a server.
 */
public final class UnleashBootstrap {
  private static final ObjectMapper JSON = new ObjectMapper();

  private UnleashBootstrap() {}

  /** Writes the client features document to {@code file}. */
  public static Path write(Path file) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 2);
    ObjectNode feature = root.putArray("features").addObject();
    feature.put("name", BenchFlags.SPLIT_FLAG);
    feature.put("type", "release");
    feature.put("enabled", true);
    feature.put("project", "default");
    feature.put("stale", false);
    feature.put("impressionData", false);
    feature.putArray("variants");
    ObjectNode strategy = feature.putArray("strategies").addObject();
    strategy.put("name", "flexibleRollout");
    strategy.putArray("constraints");
    ObjectNode parameters = strategy.putObject("parameters");
    parameters.put("rollout", "100");
    parameters.put("stickiness", "default");
    parameters.put("groupId", BenchFlags.SPLIT_FLAG);
    ArrayNode variants = strategy.putArray("variants");
    variant(variants, "stable", 900, BenchFlags.STABLE_JSON);
    variant(variants, "canary", 100, BenchFlags.CANARY_JSON);
    try {
      Files.writeString(file, JSON.writeValueAsString(root));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Unleash bootstrap " + file, e);
    }
  }

  private static void variant(ArrayNode variants, String name, int weight, String payload) {
    ObjectNode variant = variants.addObject();
    variant.put("name", name);
    variant.put("weight", weight);
    variant.put("weightType", "variable");
    variant.put("stickiness", "default");
    variant.putObject("payload").put("type", "json").put("value", payload);
  }

  /** An API URL on a loopback port that was free a moment ago: every fetch is refused. */
  public static URI unreachableApi() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/api");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
