package dev.llmrollout.local;

import dev.llmrollout.spi.BackendListener;
import dev.openfeature.sdk.ErrorCode;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the changes and errors a backend reports, for tests to wait on. */
final class RecordingListener implements BackendListener {
  final List<Set<String>> changes = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();

  @Override
  public void onFlagsChanged(Set<String> flagKeys) {
    changes.add(flagKeys);
  }

  @Override
  public void onError(String message, ErrorCode code) {
    errors.add(message);
  }
}
