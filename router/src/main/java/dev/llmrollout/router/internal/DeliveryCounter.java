package dev.llmrollout.router.internal;

import dev.llmrollout.router.RoutedResponse;
import dev.llmrollout.router.StreamChunk;
import dev.llmrollout.router.StreamTarget;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Passes stream events on to the caller and counts them, so a fallback never follows a partial
 * answer. Used on the one thread that reads the stream.
 */
public final class DeliveryCounter implements Consumer<StreamChunk> {
  private final Consumer<StreamChunk> consumer;
  private int count;

  public DeliveryCounter(Consumer<StreamChunk> consumer) {
    this.consumer = consumer;
  }

  @Override
  public void accept(StreamChunk chunk) {
    count++;
    consumer.accept(chunk);
  }

  /**
   * Tells a {@link StreamTarget} what serves the stream, before the endpoint is asked, so it can
   * send the tags as headers ahead of the first event.
   */
  public void routed(CallTags tags, Optional<String> modelVersion) {
    if (!(consumer instanceof StreamTarget target)) {
      return;
    }
    target.routed(
        RoutedResponse.tags(
            tags.flagKey(),
            tags.variant(),
            tags.model(),
            modelVersion,
            tags.promptFlag(),
            tags.promptVariant()));
  }

  /** Events passed on so far. */
  public int count() {
    return count;
  }
}
