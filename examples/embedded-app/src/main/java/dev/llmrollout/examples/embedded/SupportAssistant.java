package dev.llmrollout.examples.embedded;

import dev.llmrollout.local.LocalFileBackend;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.RouteRequest;
import dev.llmrollout.router.RoutedResponse;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A support assistant that embeds llm-rollout: flags from a local flagd-format file, the
 * OpenFeature provider over them, its own {@link VariantMdcHook} on the client, and the router in
 * process, calling the model endpoint each variant names.
 *
 * <pre>{@code
 * try (SupportAssistant assistant = SupportAssistant.start(flags, endpoints, "support-model")) {
 *   RoutedResponse answer = assistant.answer("session-42", "Where is my parcel?");
 * }
 * }</pre>
 */
public final class SupportAssistant implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SupportAssistant.class);

  private final OpenFeatureAPI openFeature;
  private final ModelRouter router;
  private final String modelFlag;

  private SupportAssistant(OpenFeatureAPI openFeature, ModelRouter router, String modelFlag) {
    this.openFeature = openFeature;
    this.router = router;
    this.modelFlag = modelFlag;
  }

  /** Loads the flags and endpoints files and starts serving {@code modelFlag}. */
  public static SupportAssistant start(Path flagsFile, Path endpointsFile, String modelFlag) {
    LlmFeatureProvider provider =
        LlmFeatureProvider.builder(LocalFileBackend.watching(flagsFile)).build();
    OpenFeatureAPI openFeature = OpenFeatureAPI.createIsolated();
    openFeature.setProviderAndWait(provider);
    Client client = openFeature.getClient();
    client.addHooks(new VariantMdcHook());
    ModelRouter router =
        ModelRouter.builder(client, provider, EndpointRegistry.load(endpointsFile))
            .fallbackToDefaultOnError(modelFlag)
            .build();
    return new SupportAssistant(openFeature, router, modelFlag);
  }

  /** Answers one question of one session, logging which variant and model version answered. */
  public RoutedResponse answer(String sessionId, String question) {
    try {
      RoutedResponse answer =
          router.route(
              RouteRequest.builder(modelFlag).sessionId(sessionId).userMessage(question).build());
      LOG.info("answered session {} in {} ms", sessionId, answer.latency().toMillis());
      return answer;
    } finally {
      VariantMdcHook.clear();
    }
  }

  @Override
  public void close() {
    router.close();
    openFeature.shutdown();
  }

  /** {@code SupportAssistant FLAGS_FILE ENDPOINTS_FILE SESSION_ID QUESTION}: prints one answer. */
  public static void main(String[] args) {
    if (args.length != 4) {
      System.err.println("usage: SupportAssistant FLAGS_FILE ENDPOINTS_FILE SESSION_ID QUESTION");
      System.exit(2);
    }
    try (SupportAssistant assistant =
        SupportAssistant.start(Path.of(args[0]), Path.of(args[1]), "support-model")) {
      RoutedResponse answer = assistant.answer(args[2], args[3]);
      System.out.println(answer.tags() + " " + answer.content());
    }
  }
}
