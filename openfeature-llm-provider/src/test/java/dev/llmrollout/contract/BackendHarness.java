package dev.llmrollout.contract;

import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.RolloutControl;
import java.time.Duration;
import java.util.Map;

/**
 * What a backend module gives the contract kit: a source of truth it can change out of band (as a
 * user in the vendor's console would), fresh backends reading from it, and the write-back to it.
 *
 * <p>The hooks below {@link #capabilities()} serve one {@link Capability} each; a harness that
 * declares the capability missing need not implement its hooks (their defaults throw, so a harness
 * that claims a capability and forgets the hook fails its tests instead of passing them).
 */
public interface BackendHarness {

  /** Creates or replaces {@code flag} in the source of truth, bypassing the backend. */
  void publish(FlagSpec flag) throws Exception;

  /**
   * Creates or replaces {@code flagKey} with a variant whose payload is an object that is not a
   * valid variant (no model and no prompt), bypassing the backend.
   */
  void publishMalformed(String flagKey) throws Exception;

  /** A new backend over the same source, not yet started. */
  FlagBackend newBackend() throws Exception;

  /** A new write-back to the same source, independent of any other (its own connections). */
  RolloutControl rolloutControl() throws Exception;

  /** How long a change may take to reach a running backend (its poll interval and then some). */
  default Duration propagationTimeout() {
    return Duration.ofSeconds(10);
  }

  /** Releases the source: servers, files, connections. */
  void close() throws Exception;

  /** What this backend can show, and why it lacks the rest. No default: every backend declares. */
  Capabilities capabilities();

  /** {@link Capability#OUTAGE}: makes the source unreachable to running backends. */
  default void cutSource() throws Exception {
    throw new UnsupportedOperationException("declared " + Capability.OUTAGE + " without cutSource");
  }

  /** {@link Capability#OUTAGE}: makes the source reachable again. */
  default void reconnectSource() throws Exception {
    throw new UnsupportedOperationException(
        "declared " + Capability.OUTAGE + " without reconnectSource");
  }

  /**
   * A backend like {@link #newBackend()} (same local state, such as a backup file) whose source
   * cannot be reached: a port nobody listens on, a missing file. Every backend has this.
   */
  FlagBackend unreachableBackend() throws Exception;

  /** {@link Capability#CREDENTIALS}: a write-back whose credentials the source rejects (401). */
  default RolloutControl controlWithRejectedCredentials() throws Exception {
    throw new UnsupportedOperationException("declared " + Capability.CREDENTIALS + " without hook");
  }

  /**
   * {@link Capability#CREDENTIALS}: a write-back whose credentials may read but not write (403).
   */
  default RolloutControl controlWithoutWriteRights() throws Exception {
    throw new UnsupportedOperationException("declared " + Capability.CREDENTIALS + " without hook");
  }

  /**
   * {@link Capability#CREDENTIALS}: the environment variable a user sets to fix the credentials.
   */
  default String credentialVariable() {
    throw new UnsupportedOperationException("declared " + Capability.CREDENTIALS + " without hook");
  }

  /**
   * {@link Capability#OPEN_IN_ANOTHER_PROCESS}: how another JVM opens this backend through its
   * {@link dev.llmrollout.spi.BackendFactory}.
   */
  default FactoryLaunch factoryLaunch() {
    throw new UnsupportedOperationException(
        "declared " + Capability.OPEN_IN_ANOTHER_PROCESS + " without factoryLaunch");
  }

  /**
   * {@link Capability#ROLLOUT_RECORD_LIMIT}: where the write-back stores {@code flagKey}'s rollout
   * record, as its refusals name it, and the longest record it stores.
   */
  default RecordLimit rolloutRecordLimit(String flagKey) {
    throw new UnsupportedOperationException(
        "declared " + Capability.ROLLOUT_RECORD_LIMIT + " without rolloutRecordLimit");
  }

  /**
   * Where a rollout record is stored and how long it may be.
   *
   * @param field the storage field a refusal names
   * @param maxChars the longest record stored, in characters
   */
  record RecordLimit(String field, int maxChars) {}

  /**
   * Opens a backend in another JVM: the factory's type, its options, and the environment variables
   * (secrets included) the child process gets.
   */
  record FactoryLaunch(String type, Map<String, String> options, Map<String, String> environment) {
    public FactoryLaunch {
      options = Map.copyOf(options);
      environment = Map.copyOf(environment);
    }
  }
}
