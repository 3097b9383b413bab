package dev.llmrollout.spi;

import dev.openfeature.sdk.ErrorCode;
import java.util.Set;

/** How a backend reports what happens to its flags after it started. Every method has a no-op. */
public interface BackendListener {
  /** The backend serves fresh data again after being stale or in error. */
  default void onReady() {}

  /**
   * A new configuration is being served; {@code flagKeys} are the flags whose definition changed.
   */
  default void onFlagsChanged(Set<String> flagKeys) {}

  /** The backend cannot reach its source and keeps serving the last configuration it had. */
  default void onStale(String message) {}

  /**
   * A problem the user must act on, such as a rejected malformed update. The last good
   * configuration keeps serving.
   */
  default void onError(String message, ErrorCode code) {}
}
