package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running gateway as the rollout ITs drive it from outside: users' chat completions, each of a
 * new session, its admin API read as JSON, and {@code llm-router rollout ... --gateway} aimed at
 * it.
 */
final class GatewayClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHAT =
      "{\"model\": \"ignored\", \"messages\": [{\"role\": \"user\","
          + " \"content\": \"where is my parcel?\"}]}";

  private final GatewayProcess gateway;
  private final Path dir;
  private final Map<String, String> rolloutEnv;
  private final AtomicInteger sessions = new AtomicInteger();

  /** {@code rolloutEnv}: the environment of the {@code rollout} verb, such as its admin token. */
  GatewayClient(GatewayProcess gateway, Path dir, Map<String, String> rolloutEnv) {
    this.gateway = gateway;
    this.dir = dir;
    this.rolloutEnv = Map.copyOf(rolloutEnv);
  }

  /**
   * Sends {@code requests} chat completions for {@code flag}, each of a new session and each
   * asserted answered 200; returns how many each variant served.
   */
  Map<String, Integer> chat(String flag, int requests) throws Exception {
    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> response =
          gateway.post(
              "/v1/chat/completions",
              CHAT,
              "X-Flag-Key",
              flag,
              "X-Session-Id",
              "session-" + sessions.incrementAndGet());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      served.merge(response.headers().firstValue("X-Variant").orElse("(none)"), 1, Integer::sum);
    }
    return served;
  }

  String text(String path) throws Exception {
    return gateway.get(path).body();
  }

  JsonNode json(String path) throws Exception {
    return JSON.readTree(text(path));
  }

  /** {@code llm-router rollout <args> --gateway <this gateway>} in the test's directory. */
  JarRunner.Result rollout(String... args) throws Exception {
    return rollout(rolloutEnv, args);
  }

  /** The same with {@code env} instead of the client's rollout environment. */
  JarRunner.Result rollout(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("rollout"));
    command.addAll(List.of(args));
    command.add("--gateway");
    command.add(gateway.uri("/").toString());
    return JarRunner.run(dir, env, command.toArray(String[]::new));
  }
}
