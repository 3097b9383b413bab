package dev.llmrollout.router.internal;

import dev.llmrollout.router.StreamChunk;
import dev.llmrollout.router.StreamTarget;
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
  public void routed(RoutedCall call) {
    if (consumer instanceof StreamTarget target) {
      target.routed(call.tags());
    }
  }

  /** Events passed on so far. */
  public int count() {
    return count;
  }
}
