package dev.llmrollout.router;

import dev.llmrollout.router.internal.Endpoint;
import dev.llmrollout.router.internal.PromptRenderer;
import dev.llmrollout.router.internal.RoutedCall;
import dev.llmrollout.router.internal.RouterEvents;
import dev.llmrollout.router.internal.SelectedVariant;
import dev.llmrollout.variant.ChatMessage;
import dev.llmrollout.variant.PromptSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the served variants into what a call needs: the endpoint the model variant names (looked up
 * by name in the endpoints file, never a URL) and the rendered messages. A failure here is the
 * variant's, so it is counted against it before it is thrown.
 */
final class CallPreparer {
  private static final Logger LOG = LoggerFactory.getLogger(CallPreparer.class);

  private final EndpointRegistry endpoints;
  private final PromptRenderer renderer;
  private final RouterEvents events;
  private final ArmRecorder arms;

  CallPreparer(
      EndpointRegistry endpoints, PromptRenderer renderer, RouterEvents events, ArmRecorder arms) {
    this.endpoints = endpoints;
    this.renderer = renderer;
    this.events = events;
    this.arms = arms;
  }

  /** The endpoint the model variant names; a configuration error when it names none or another. */
  Endpoint endpointOf(RoutedCall call) {
    String name =
        call.model()
            .variant()
            .endpoint()
            .orElseThrow(() -> configurationError(call, "names no endpoint"));
    return endpoints
        .find(name)
        .orElseThrow(
            () ->
                configurationError(
                    call,
                    "names endpoint '"
                        + name
                        + "', which is not in the endpoints file (configured: "
                        + new TreeSet<>(endpoints.names())
                        + ")"));
  }

  private RoutingException configurationError(RoutedCall call, String problem) {
    events.count(RouterEvent.CONFIGURATION_ERROR, call.model().flagKey());
    arms.record(call, CallOutcome.failed(RoutingException.Kind.CONFIGURATION, 0));
    RoutingException e =
        new RoutingException(RoutingException.Kind.CONFIGURATION, call.where() + " " + problem);
    LOG.error("{}", e.getMessage());
    return e;
  }

  /**
   * The prompt flag's messages (else the model variant's), filled with the request's values, then
   * the request's conversation.
   */
  List<ChatMessage> messages(RoutedCall call) {
    RouteRequest request = call.request();
    Optional<SelectedVariant> prompt = call.prompt();
    SelectedVariant owner = prompt.orElse(call.model());
    Optional<PromptSpec> spec = owner.variant().prompt();
    if (prompt.isPresent() && spec.isEmpty()) {
      throw new RoutingException(RoutingException.Kind.FLAG, owner.where() + " names no prompt");
    }
    List<ChatMessage> messages = new ArrayList<>();
    if (spec.isPresent()) {
      try {
        messages.addAll(renderer.render(spec.get().messages(), request.variables(), owner::where));
      } catch (RoutingException e) {
        arms.record(call, CallOutcome.failed(e.kind(), 0));
        if (e.kind() == RoutingException.Kind.CONFIGURATION) {
          events.count(RouterEvent.CONFIGURATION_ERROR, owner.flagKey());
        }
        throw e;
      }
    }
    messages.addAll(request.messages());
    return messages;
  }
}
