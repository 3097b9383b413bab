package dev.llmrollout.contract;

import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.RolloutControl;
import java.time.Duration;

/**
 * What a backend module gives the contract kit: a source of truth it can change out of band (as a
 * user in the vendor's console would), fresh backends reading from it, and the write-back to it.
 */
public interface BackendHarness {

  /** Creates or replaces {@code flag} in the source of truth, bypassing the backend. */
  void publish(FlagSpec flag) throws Exception;

  /**
   * Creates {@code flagKey} with a variant whose payload is an object that is not a valid variant
   * (no model and no prompt), bypassing the backend.
   */
  void publishMalformed(String flagKey) throws Exception;

  /** A new backend over the same source, not yet started. */
  FlagBackend newBackend() throws Exception;

  /** The write-back to the same source. */
  RolloutControl rolloutControl() throws Exception;

  /** How long a change may take to reach a running backend (its poll interval and then some). */
  default Duration propagationTimeout() {
    return Duration.ofSeconds(10);
  }

  /** Releases the source: servers, files, connections. */
  void close() throws Exception;
}
