package dev.llmrollout.launchdarkly.internal;

import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Plans a JSON Patch on the flag as read, sends it conditional on the planned-on version, and
 * verifies it by reading the flag back. A change that changes nothing is not sent (LaunchDarkly
 * would keep the version).
 *
 * <p>A conditional write (one whose request carries the version its writer read) fails with {@link
 * Kind#CONFLICT} when the flag, or its rollout record, changed since; its patch tests the record as
 * read as well as the environment's version, so LaunchDarkly itself refuses it if either moved
 * between this read and the patch. A refused patch (409, or 400/422, which LaunchDarkly does not
 * document for a failed test) is followed by a read: if the version moved, a conditional write is a
 * conflict and an unconditional one is planned again on the new version. 409, 429 and 5xx answers
 * are otherwise retried with backoff.
 */
public final class PatchWriter {
  private static final Pattern VERSION = Pattern.compile("\\d+(:[0-9a-f]{12})?");

  private final RestCalls calls;

  public PatchWriter(RestCalls calls) {
    this.calls = calls;
  }

  /**
   * One write.
   *
   * @param plan adds the change to a patch of the flag as read (nothing, when it is already so)
   * @param applied whether a flag read back shows the change
   */
  public FlagState write(
      String flagKey,
      String action,
      ChangeRequest request,
      boolean ignoreConflicts,
      BiConsumer<RestFlag, FlagPatch> plan,
      Predicate<RestFlag> applied) {
    Optional<String> expected = request.expectedVersion().map(v -> checked(flagKey, v));
    String comment = AuditTrail.comment(action, request.reason(), request.actor());
    RestApi api = calls.api();
    RestResponse last = null;
    for (int attempt = 1; attempt <= calls.maxAttempts(); attempt++) {
      RestFlag current = calls.read(flagKey);
      if (expected.isPresent() && !expected.get().equals(current.stateVersion())) {
        throw conflict(flagKey, current.stateVersion(), expected.get());
      }
      FlagPatch patch = FlagPatch.onVersion(api.environmentKey(), current.version());
      if (expected.isPresent()) {
        patch.testRecord(current);
      }
      plan.accept(current, patch);
      if (patch.isEmpty()) {
        return current.toState();
      }
      last =
          calls.send(flagKey, () -> api.patchFlag(flagKey, patch.body(comment), ignoreConflicts));
      if (last.ok()) {
        return verify(flagKey, current, applied);
      }
      if (last.status() == 409 || last.status() == 400 || last.status() == 422) {
        String now = calls.read(flagKey).stateVersion();
        if (!now.equals(current.stateVersion())) {
          if (expected.isPresent()) {
            throw conflict(flagKey, now, expected.get());
          }
          continue; // planned on a version that is gone: plan again on the new one
        }
      }
      if (!last.retryable()) {
        throw calls.errors().refused(flagKey, last);
      }
      calls.backoff().pause(flagKey, attempt, calls.maxAttempts(), last);
    }
    throw calls.errors().exhausted(flagKey, last, calls.maxAttempts());
  }

  private static String checked(String flagKey, String version) {
    if (!VERSION.matcher(version).matches()) {
      throw new WriteBackException(
          Kind.INVALID_REQUEST,
          flagKey,
          "flag '"
              + flagKey
              + "': expected version '"
              + version
              + "' is not a LaunchDarkly version (the environment's flag version, then ':' and"
              + " the rollout record's digest when there is a record)");
    }
    return version;
  }

  private static WriteBackException conflict(String flagKey, String now, String expected) {
    return new WriteBackException(
        Kind.CONFLICT,
        flagKey,
        "flag '"
            + flagKey
            + "' is at version "
            + now
            + ", the change was decided on version "
            + expected
            + "; re-read and decide again");
  }

  private FlagState verify(String flagKey, RestFlag before, Predicate<RestFlag> applied) {
    RestFlag after = calls.read(flagKey);
    if (!applied.test(after)) {
      throw new WriteBackException(
          Kind.NOT_VERIFIED,
          flagKey,
          "flag '"
              + flagKey
              + "': LaunchDarkly accepted the change but reading the flag back does not show it"
              + " (version "
              + before.stateVersion()
              + " -> "
              + after.stateVersion()
              + ")");
    }
    return after.toState();
  }
}
