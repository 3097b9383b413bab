package dev.llmrollout.unleash.internal;

import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.WriteBackException;
import java.util.Map;

/** The write-back when no admin token is configured: every call says which variable to set. */
public final class NoWriteBack implements RolloutControl {
  private final String tokenVariable;

  public NoWriteBack(String tokenVariable) {
    this.tokenVariable = tokenVariable;
  }

  @Override
  public FlagState state(String flagKey) {
    throw denied(flagKey);
  }

  @Override
  public FlagState setWeights(String flagKey, Map<String, Double> weights, ChangeRequest request) {
    throw denied(flagKey);
  }

  @Override
  public FlagState kill(String flagKey, String safeVariant, ChangeRequest request) {
    throw denied(flagKey);
  }

  @Override
  public FlagState restore(String flagKey, ChangeRequest request) {
    throw denied(flagKey);
  }

  @Override
  public FlagState writeRolloutRecord(String flagKey, String recordJson, ChangeRequest request) {
    throw denied(flagKey);
  }

  private WriteBackException denied(String flagKey) {
    return new WriteBackException(
        WriteBackException.Kind.PERMISSION_DENIED,
        flagKey,
        "flag '"
            + flagKey
            + "': write-back to Unleash needs an admin token or personal access token in "
            + tokenVariable);
  }
}
