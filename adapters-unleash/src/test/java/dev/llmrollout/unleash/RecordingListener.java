package dev.llmrollout.unleash;

import dev.llmrollout.spi.BackendListener;
import dev.openfeature.sdk.ErrorCode;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the events a backend reports, for tests to wait on. */
final class RecordingListener implements BackendListener {
  final List<String> events = new CopyOnWriteArrayList<>();
  final List<Set<String>> changes = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();

  @Override
  public void onReady() {
    events.add("ready");
  }

  @Override
  public void onFlagsChanged(Set<String> flagKeys) {
    events.add("changed");
    changes.add(Set.copyOf(flagKeys));
  }

  @Override
  public void onStale(String message) {
    events.add("stale");
  }

  @Override
  public void onError(String message, ErrorCode code) {
    events.add("error:" + code);
    errors.add(message);
  }

  boolean saw(String event) {
    return events.contains(event);
  }
}
