package dev.llmrollout.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llmrollout.router.RoutedResponse;
import dev.llmrollout.router.testing.ModelEndpointServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Runs the embedding example against two loopback model endpoints: every answer comes from the
 * variant's endpoint, and the application's log line carries, through its own hook, the variant and
 * model version that answered.
 */
class SupportAssistantTest {
  @TempDir Path dir;

  private final ModelEndpointServer stable = ModelEndpointServer.start("stable");
  private final ModelEndpointServer canary = ModelEndpointServer.start("canary");
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger appLogger = (Logger) LoggerFactory.getLogger(SupportAssistant.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    appLogger.addAppender(logs);
  }

  @AfterEach
  void stop() {
    appLogger.detachAppender(logs);
    stable.close();
    canary.close();
  }

  @Test
  void theApplicationsHookLogsTheVariantAndModelVersionThatAnswered() throws IOException {
    Path flags = write("flags.json", flagsFile());
    Path endpoints = write("endpoints.json", endpointsFile());
    List<RoutedResponse> answers = new ArrayList<>();
    try (SupportAssistant assistant = SupportAssistant.start(flags, endpoints, "support-model")) {
      for (int i = 0; i < 40; i++) {
        answers.add(assistant.answer("session-" + i, "Where is my parcel?"));
      }
    }

    assertThat(logs.list).hasSize(answers.size());
    Set<String> variants = new HashSet<>();
    for (int i = 0; i < answers.size(); i++) {
      RoutedResponse answer = answers.get(i);
      String variant = answer.modelFlag().variant();
      variants.add(variant);
      assertThat(answer.content()).isEqualTo(variant + " says hi to " + answer.model());
      assertThat(logs.list.get(i).getMDCPropertyMap())
          .containsEntry(VariantMdcHook.VARIANT, variant)
          .containsEntry(VariantMdcHook.MODEL_VERSION, answer.modelVersion().orElseThrow());
    }
    assertThat(variants).containsExactlyInAnyOrder("stable", "canary");
    assertThat(stable.received().size() + canary.received().size()).isEqualTo(answers.size());
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private static String flagsFile() {
    return """
        {"flags": {"support-model": {
          "state": "ENABLED",
          "variants": {
            "stable": {"model": "support-llm-a", "version": "1.1.0", "endpoint": "stable-pool"},
            "canary": {"model": "support-llm-b", "version": "1.2.0", "endpoint": "canary-pool"}
          },
          "defaultVariant": "stable",
          "targeting": {"fractional": [["stable", 50], ["canary", 50]]}
        }}}
        """;
  }

  private String endpointsFile() {
    return """
        {"endpoints": {
          "stable-pool": {"baseUrl": "%s", "timeoutMs": 5000},
          "canary-pool": {"baseUrl": "%s", "timeoutMs": 5000}
        }}
        """
        .formatted(stable.baseUrl(), canary.baseUrl());
  }
}
