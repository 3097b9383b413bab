package dev.llmrollout.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.contract.BackendHarness;
import dev.llmrollout.contract.Capabilities;
import dev.llmrollout.contract.Capability;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.RolloutControl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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
  public Capabilities capabilities() {
    return Capabilities.all()
        .without(
            Capability.OUTAGE,
            "a local file has no remote source to lose; an unreadable file is an ERROR while the"
                + " last good configuration serves (the malformed-update test)")
        .without(
            Capability.LAST_KNOWN_GOOD_AT_START,
            "the flags file is the only copy: a missing file at start is a start failure")
        .without(
            Capability.CREDENTIALS,
            "a local file has no credentials; file-system permissions belong to the operating"
                + " system (and these tests may run as root, who may write anything)")
        .without(
            Capability.ROLLOUT_RECORD_LIMIT,
            "a flags file stores a rollout record of any length, so there is no limit to refuse"
                + " at; a record that is not JSON is refused naming the flag, the file left as it"
                + " was (RolloutRecordWriteBackTest)");
  }

  @Override
  public FlagBackend unreachableBackend() {
    return LocalFileBackend.watching(file.resolveSibling("missing-flags.json"));
  }

  @Override
  public FactoryLaunch factoryLaunch() {
    return new FactoryLaunch(LocalBackendFactory.TYPE, Map.of("flags", file.toString()), Map.of());
  }

  @Override
  public void close() {}
}
