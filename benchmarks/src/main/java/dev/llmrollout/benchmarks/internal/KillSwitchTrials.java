package dev.llmrollout.benchmarks.internal;

import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Kill/restore trials against one backend: each trial starts the kill write, then evaluates every
 * one of {@value #USERS} users through {@link LlmFeatureProvider} and the OpenFeature client, round
 * after round, until all of them get the safe variant; then restores and waits until none does.
 */
public final class KillSwitchTrials {
  /** How many users each evaluation round covers. */
  public static final int USERS = 256;

  /** The variant a kill switches to. */
  public static final String SAFE_VARIANT = "safe";

  private static final String SAFE_MODEL = "bench-safe";
  private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** One way of flipping the flag to its safe variant and back. */
  public interface FlagSwitch {
    /** Switches every user to the safe variant; returns when the writer considers it done. */
    void kill(int trial) throws Exception;

    /** Puts back what the kill replaced. */
    void restore(int trial) throws Exception;
  }

  /**
   * Nanosecond histograms of one backend's trials: the write (until the writer returned), the
   * propagation (from the start of the write until every user evaluated to the safe variant) and
   * the part of it after the write returned.
   */
  public record Result(Histogram write, Histogram propagation, Histogram afterWrite) {}

  private KillSwitchTrials() {}

  /** The kill and restore {@code control} writes, as {@code llm-router kill} and restore do. */
  public static FlagSwitch through(RolloutControl control) {
    return new FlagSwitch() {
      @Override
      public void kill(int trial) {
        control.kill(
            BenchFlags.SPLIT_FLAG, SAFE_VARIANT, ChangeRequest.because("benchmark trial " + trial));
      }

      @Override
      public void restore(int trial) {
        control.restore(BenchFlags.SPLIT_FLAG, ChangeRequest.because("benchmark trial " + trial));
      }
    };
  }

  /** Runs {@code trials} kill/restore trials; the backend is started here and closed after. */
  public static Result run(FlagBackend backend, FlagSwitch flag, int trials) throws Exception {
    OpenFeatureAPI openFeature = OpenFeatureAPI.createIsolated();
    openFeature.setProviderAndWait(LlmFeatureProvider.builder(backend).build());
    Client client = openFeature.getClient();
    EvaluationContext[] users = new EvaluationContext[USERS];
    for (int i = 0; i < USERS; i++) {
      users[i] = new ImmutableContext("user-" + i, Map.of("tier", new Value("free")));
    }
    Result result =
        // Auto-resizing: a write is not bounded by the give-up time of the evaluation rounds.
        new Result(new Histogram(3), new Histogram(3), new Histogram(3));
    try {
      awaitEveryUser(client, users, false, System.nanoTime());
      for (int trial = 0; trial < trials; trial++) {
        long start = System.nanoTime();
        flag.kill(trial);
        long written = System.nanoTime();
        awaitEveryUser(client, users, true, start);
        long everyone = System.nanoTime();
        result.write().recordValue(written - start);
        result.propagation().recordValue(everyone - start);
        result.afterWrite().recordValue(everyone - written);
        flag.restore(trial);
        awaitEveryUser(client, users, false, System.nanoTime());
        // A pause so the next write is a separate file-system, stream or poll event.
        Thread.sleep(200);
      }
    } finally {
      openFeature.shutdown();
    }
    return result;
  }

  private static void awaitEveryUser(
      Client client, EvaluationContext[] users, boolean killed, long start) {
    while (true) {
      int safe = 0;
      int served = 0;
      for (EvaluationContext user : users) {
        String model =
            client
                .getStringDetails(BenchFlags.SPLIT_FLAG, "", user)
                .getFlagMetadata()
                .getString(VariantPayload.META_MODEL);
        if (SAFE_MODEL.equals(model)) {
          safe++;
        } else if (model != null) {
          served++;
        }
      }
      // Restored means every user is back on a rollout variant, not merely off the safe one: an
      // evaluation error (no model) must not pass for a restore.
      if (killed ? safe == users.length : served == users.length) {
        return;
      }
      if (System.nanoTime() - start > GIVE_UP_NANOS) {
        throw new IllegalStateException(
            (killed ? "kill" : "restore")
                + " did not reach every user within "
                + TimeUnit.NANOSECONDS.toSeconds(GIVE_UP_NANOS)
                + " s ("
                + safe
                + " of "
                + users.length
                + " on the safe variant)");
      }
      Thread.onSpinWait();
    }
  }
}
