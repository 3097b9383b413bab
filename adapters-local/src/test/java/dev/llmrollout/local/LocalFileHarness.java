package dev.llmrollout.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.contract.BackendHarness;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.RolloutControl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A flags file in a temporary folder, edited out of band as a user with an editor would. */
final class LocalFileHarness implements BackendHarness {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  LocalFileHarness(Path dir) throws IOException {
    this.file = dir.resolve("flags.json");
    Files.writeString(file, "{\"flags\": {}}");
  }

  Path file() {
    return file;
  }

  @Override
  public void publish(FlagSpec spec) throws IOException {
    ObjectNode flag = JSON.createObjectNode().put("state", "ENABLED");
    ObjectNode variants = flag.putObject("variants");
    spec.variants().forEach(variants::set);
    flag.put("defaultVariant", spec.defaultVariant());
    ArrayNode buckets = flag.putObject("targeting").putArray("fractional");
    spec.weights()
        .forEach(
            (name, weight) ->
                buckets.add(JSON.createArrayNode().add(name).add(weight.longValue())));
    edit(spec.key(), flag);
  }

  @Override
  public void publishMalformed(String flagKey) throws IOException {
    ObjectNode flag = JSON.createObjectNode().put("state", "ENABLED");
    // A model variant with a misplaced field. A lone {"temperature": 0.2} is a plain JSON object
    // since issue 21 (served as it is), so the malformed payload must present itself as a model.
    flag.putObject("variants").putObject("broken").put("model", "m").put("temperature", 0.2);
    flag.put("defaultVariant", "broken");
    edit(flagKey, flag);
  }

  private void edit(String key, ObjectNode flag) throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    ((ObjectNode) root.get("flags")).set(key, flag);
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
  }

  @Override
  public FlagBackend newBackend() {
    return LocalFileBackend.watching(file, Duration.ofMillis(200));
  }

  @Override
  public RolloutControl rolloutControl() {
    return new LocalFileControl(file);
  }

  @Override
  public Duration propagationTimeout() {
    return Duration.ofSeconds(5);
  }

  @Override
  public void close() {}
}
