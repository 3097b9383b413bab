package dev.llmrollout.guard.testing;

import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.Weights;
import dev.llmrollout.spi.WriteBackException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A versioned flag store with the write-back SPI's semantics (conditional writes, kill memory,
 * rollout records that change the version), plus faults a test can arm: failing writes, and kills
 * that are accepted but do not stick.
 */
public final class InMemoryRolloutControl implements RolloutControl {
  private final Map<String, FlagState> flags = new LinkedHashMap<>();
  private final Map<String, Map<String, Double>> killMemory = new LinkedHashMap<>();
  private final List<ChangeRequest> requests = new ArrayList<>();
  private final List<ChangeRequest> recordRequests = new ArrayList<>();
  private int version;
  private int failingWrites;
  private int failingRecordWrites;
  private int unstickingKills;

  /** Adds a flag with {@code variants}, all traffic on the first. */
  public synchronized InMemoryRolloutControl flag(String flagKey, String... variants) {
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put(variants[0], 100.0);
    flags.put(
        flagKey,
        new FlagState(
            flagKey, true, List.of(variants), variants[0], weights, Optional.empty(), next()));
    return this;
  }

  /** The next {@code count} writes fail as if the vendor answered 503. */
  public synchronized void failNextWrites(int count) {
    failingWrites = count;
  }

  /** The next {@code count} kills are accepted but the read-back does not show them. */
  public synchronized void loseNextKills(int count) {
    unstickingKills = count;
  }

  /** The next {@code count} rollout-record writes fail as if the vendor answered 503. */
  public synchronized void failNextRecordWrites(int count) {
    failingRecordWrites = count;
  }

  /** Every change request to the flag's serving (weights, kill, restore) received, in order. */
  public synchronized List<ChangeRequest> requests() {
    return List.copyOf(requests);
  }

  /** Every rollout-record write request received, in order. */
  public synchronized List<ChangeRequest> recordRequests() {
    return List.copyOf(recordRequests);
  }

  @Override
  public synchronized FlagState state(String flagKey) {
    return existing(flagKey);
  }

  @Override
  public synchronized FlagState setWeights(
      String flagKey, Map<String, Double> weights, ChangeRequest request) {
    FlagState current = admit(flagKey, request);
    Weights.validate(flagKey, weights, current);
    return put(current, weights, current.killedTo());
  }

  @Override
  public synchronized FlagState kill(String flagKey, String safeVariant, ChangeRequest request) {
    FlagState current = admit(flagKey, request);
    if (unstickingKills > 0) {
      unstickingKills--;
      return current;
    }
    killMemory.putIfAbsent(flagKey, current.weights());
    return put(current, Map.of(safeVariant, 100.0), Optional.of(safeVariant));
  }

  @Override
  public synchronized FlagState restore(String flagKey, ChangeRequest request) {
    FlagState current = admit(flagKey, request);
    Map<String, Double> remembered = killMemory.remove(flagKey);
    if (remembered == null) {
      throw new WriteBackException(
          WriteBackException.Kind.INVALID_REQUEST, flagKey, "flag '" + flagKey + "' is not killed");
    }
    return put(current, remembered, Optional.empty());
  }

  @Override
  public synchronized FlagState writeRolloutRecord(
      String flagKey, String recordJson, ChangeRequest request) {
    recordRequests.add(request);
    FlagState current = existing(flagKey);
    if (failingRecordWrites > 0) {
      failingRecordWrites--;
      throw new WriteBackException(
          WriteBackException.Kind.UNAVAILABLE, flagKey, "flag '" + flagKey + "': 503 from store");
    }
    checkVersion(current, request);
    FlagState next = withVersion(current, Optional.ofNullable(recordJson));
    flags.put(flagKey, next);
    return next;
  }

  private FlagState admit(String flagKey, ChangeRequest request) {
    requests.add(request);
    FlagState current = existing(flagKey);
    if (failingWrites > 0) {
      failingWrites--;
      throw new WriteBackException(
          WriteBackException.Kind.UNAVAILABLE, flagKey, "flag '" + flagKey + "': 503 from store");
    }
    checkVersion(current, request);
    return current;
  }

  private static void checkVersion(FlagState current, ChangeRequest request) {
    String flagKey = current.flagKey();
    if (request.expectedVersion().isPresent()
        && !request.expectedVersion().get().equals(current.version())) {
      throw new WriteBackException(
          WriteBackException.Kind.CONFLICT,
          flagKey,
          "flag '"
              + flagKey
              + "' is at version "
              + current.version()
              + ", expected "
              + request.expectedVersion().get());
    }
  }

  private FlagState put(FlagState current, Map<String, Double> weights, Optional<String> killed) {
    FlagState next =
        new FlagState(
            current.flagKey(),
            current.enabled(),
            current.variants(),
            current.defaultVariant(),
            weights,
            killed,
            next(),
            current.rolloutRecord());
    flags.put(current.flagKey(), next);
    return next;
  }

  private FlagState withVersion(FlagState current, Optional<String> record) {
    return new FlagState(
        current.flagKey(),
        current.enabled(),
        current.variants(),
        current.defaultVariant(),
        current.weights(),
        current.killedTo(),
        next(),
        record);
  }

  private FlagState existing(String flagKey) {
    FlagState state = flags.get(flagKey);
    if (state == null) {
      throw new WriteBackException(
          WriteBackException.Kind.NOT_FOUND, flagKey, "flag '" + flagKey + "' does not exist");
    }
    return state;
  }

  private String next() {
    return Integer.toString(++version);
  }
}
