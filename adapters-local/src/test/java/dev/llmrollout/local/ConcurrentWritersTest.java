package dev.llmrollout.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.spi.ChangeRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2, point 4: two processes (and threads within one) writing the same file never interleave:
 * every write sees the previous one's result, none is lost, and the file stays valid.
 */
class ConcurrentWritersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WRITES_PER_WRITER = 30;

  @TempDir Path dir;

  /** Run in a child JVM by the test: writes weights {@code WRITES_PER_WRITER} times. */
  public static void main(String[] args) {
    write(Path.of(args[0]), args[1]);
  }

  private static Void write(Path file, String actor) {
    LocalFileControl control = new LocalFileControl(file);
    for (int i = 0; i < WRITES_PER_WRITER; i++) {
      Map<String, Double> weights = new LinkedHashMap<>();
      weights.put("stable", 100.0 - i);
      weights.put("canary", (double) i);
      control.setWeights("support-model", weights, ChangeRequest.because("write " + i).by(actor));
    }
    return null;
  }

  @Test
  void writersInTwoProcessesAndTwoThreadsNeverInterleave() throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(
        file,
        """
        {"flags": {"support-model": {"state": "ENABLED",
          "variants": {"stable": {"model": "a"}, "canary": {"model": "b"}},
          "defaultVariant": "stable"}}}
        """);
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ConcurrentWritersTest.class.getName(),
                file.toString(),
                "child-process")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<Future<Void>> writers = new ArrayList<>();
    for (String actor : List.of("thread-a", "thread-b")) {
      writers.add(threads.submit(() -> write(file, actor)));
    }
    for (Future<Void> writer : writers) {
      writer.get(2, TimeUnit.MINUTES);
    }
    threads.shutdown();
    assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(Files.readString(dir.resolve("child.log"))).isZero();

    List<String> audit = Files.readAllLines(dir.resolve("flags.json.audit.jsonl"));
    assertThat(audit).hasSize(3 * WRITES_PER_WRITER);
    String previousVersion = null;
    for (String line : audit) {
      JsonNode record = JSON.readTree(line);
      if (previousVersion != null) {
        assertThat(record.at("/before/version").asText()).isEqualTo(previousVersion);
      }
      previousVersion = record.at("/after/version").asText();
    }
    assertThat(audit.stream().map(l -> l.contains("child-process")).filter(b -> b).count())
        .isEqualTo(WRITES_PER_WRITER);
    assertThat(new LocalFileControl(file).state("support-model").version())
        .isEqualTo(previousVersion);
  }
}
