package dev.llmrollout.router;

import java.util.Map;
import java.util.function.Consumer;

/**
 * A stream consumer that also wants to know what serves the stream before the first event, such as
 * a gateway that must send the variant and model version as response headers.
 */
public interface StreamTarget extends Consumer<StreamChunk> {

  /**
   * Called before the endpoint is asked (again, after a fallback, when nothing was delivered yet),
   * with the same tags as {@link RoutedResponse#tags()}.
   */
  default void routed(Map<String, String> tags) {}
}
