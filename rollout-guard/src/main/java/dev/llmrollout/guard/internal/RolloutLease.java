package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Alert;
import dev.llmrollout.guard.GuardEvent.OwnershipEvent;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease on one durable rollout, and the fence every write of its owner goes through: weights,
 * kill and record are written conditionally on the flag version this guard last saw, so once
 * another guard took the rollout over (which changes the version) the old owner's next write fails
 * with a conflict, and it stops acting. A backend that stores no records ({@code UNSUPPORTED})
 * leaves the rollout in memory only, as before durable rollouts, with one alert saying so.
 * Thread-safe; the rollout and its rollback retries share it.
 */
final class RolloutLease {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutLease.class);

  /** How a record write ended. */
  enum Write {
    WRITTEN,
    /** The backend stores no records; the rollout lives in this process only. */
    NOT_DURABLE,
    /** The write failed for a reason that may pass; it is retried on the next check. */
    FAILED,
    /** Another guard owns the rollout now; this one must stop acting. */
    LOST
  }

  /** What a standby saw when it looked: the flag, its stored record, and whether it took it. */
  record Look(FlagState flag, Optional<RolloutRecord> stored, boolean acquired) {}

  private final GuardContext context;
  private final String flagKey;
  private final String rolloutId;
  private final Consumer<OwnershipEvent> events;
  private String lastVersion;
  private Instant expiresAt = Instant.MIN;
  private boolean held;
  private boolean durable = true;
  private boolean dirty;
  private boolean released;
  private String failureAlerted;

  RolloutLease(
      GuardContext context,
      String flagKey,
      String rolloutId,
      String lastVersion,
      Consumer<OwnershipEvent> events) {
    this.context = context;
    this.flagKey = flagKey;
    this.rolloutId = rolloutId;
    this.lastVersion = lastVersion;
    this.events = events;
  }

  String owner() {
    return context.owner();
  }

  String rolloutId() {
    return rolloutId;
  }

  synchronized boolean held() {
    return held;
  }

  /** A rollout this guard just started is its own from its first write; its record is due. */
  synchronized void claim() {
    held = true;
    dirty = true;
  }

  /** Gives the rollout up without another write: a forced rollout of the flag replaced it. */
  synchronized void release() {
    held = false;
    released = true;
  }

  /**
   * Reads the flag as its owner does on each check. A change with this guard's record still there
   * (an operator's edit) is adopted as the version to write on; another guard's record means this
   * one lost the rollout. Empty when the flag cannot be read now.
   */
  synchronized Optional<FlagState> observe() {
    FlagState now;
    try {
      now = context.control().state(flagKey);
    } catch (WriteBackException e) {
      return Optional.empty();
    }
    if (!now.version().equals(lastVersion)) {
      Optional<RolloutRecord> stored = durable ? stored(now) : Optional.empty();
      if (stored.isPresent() && !isMine(stored.get())) {
        lose(stored.get().owner(), "the flag's record names another owner or rollout");
      } else {
        lastVersion = now.version();
      }
    }
    return Optional.of(now);
  }

  /** The expiry a record written now gives this guard's lease. */
  Instant expiryFromNow() {
    return context.clock().instant().plus(context.config().leaseTtl());
  }

  /** {@code request}, made conditional on the version this guard last saw. */
  synchronized ChangeRequest fence(ChangeRequest request) {
    return lastVersion == null ? request : request.ifVersion(lastVersion);
  }

  /** Remembers the version a write of this guard left, or a read it acts upon. */
  synchronized void saw(FlagState state) {
    lastVersion = state.version();
  }

  /** Takes the version read now as the one to write on: an operator's rollback on a standby. */
  synchronized void readForOperator() {
    lastVersion = context.control().state(flagKey).version();
  }

  /** True when the owner should write its record on this check: half the lease is gone. */
  synchronized boolean renewalDue(Instant now) {
    Duration half = context.config().leaseTtl().dividedBy(2);
    return held && durable && (dirty || !now.isBefore(expiresAt.minus(half)));
  }

  /** Writes {@code record} (which names this guard as owner), fenced. */
  synchronized Write write(RolloutRecord record, String reason) {
    return write(record, reason, true);
  }

  private Write write(RolloutRecord record, String reason, boolean retryOnOwnConflict) {
    if (!durable || released) {
      return Write.NOT_DURABLE;
    }
    try {
      FlagState after =
          context
              .control()
              .writeRolloutRecord(
                  flagKey,
                  record.toJson(),
                  fence(ChangeRequest.because(reason).by(context.config().actor())));
      lastVersion = after.version();
      expiresAt = record.leaseExpiresAt();
      dirty = false;
      held = true;
      return Write.WRITTEN;
    } catch (WriteBackException e) {
      return switch (e.kind()) {
        case UNSUPPORTED -> notDurable(e);
        case CONFLICT -> afterConflict(record, reason, retryOnOwnConflict);
        default -> failed(e);
      };
    }
  }

  /**
   * The flag changed since this guard last saw it. When another guard's record is there now, this
   * one lost the rollout; otherwise (an operator's edit) it writes again on the new version.
   */
  private Write afterConflict(RolloutRecord record, String reason, boolean retry) {
    FlagState now;
    try {
      now = context.control().state(flagKey);
    } catch (WriteBackException e) {
      return failed(e);
    }
    Optional<RolloutRecord> stored = stored(now);
    if (stored.isPresent() && !isMine(stored.get())) {
      lose(stored.get().owner(), "the flag's record names another owner or rollout");
      return Write.LOST;
    }
    lastVersion = now.version();
    return retry ? write(record, reason, false) : failed(conflictAgain());
  }

  /**
   * Looks at the stored record and takes the lease when it lapsed or already names this guard (a
   * controller restarted under the same owner id), writing {@code asMine} conditionally on the
   * version just read so that of two standbys only one wins.
   */
  synchronized Look tryAcquire(Instant now, Function<RolloutRecord, RolloutRecord> asMine) {
    FlagState flag = context.control().state(flagKey);
    lastVersion = flag.version();
    Optional<RolloutRecord> stored = stored(flag);
    boolean takeable =
        stored.isPresent()
            && stored.get().rolloutId().equals(rolloutId)
            && !stored.get().state().isFinal()
            && (stored.get().owner().equals(owner()) || !stored.get().leaseLive(now));
    if (!takeable) {
      return new Look(flag, stored, false);
    }
    String previous = stored.get().owner();
    boolean wasHeld = held;
    if (write(asMine.apply(stored.get()), "lease taken by " + owner(), false) != Write.WRITTEN) {
      held = wasHeld;
      return new Look(flag, stored, false);
    }
    String why =
        previous.equals(owner())
            ? "resumed under the same owner id"
            : "lease of " + previous + " lapsed at " + stored.get().leaseExpiresAt();
    LOG.info("flag '{}': {} took over the rollout ({})", flagKey, owner(), why);
    events.accept(
        new OwnershipEvent(flagKey, now, OwnershipEvent.Change.ACQUIRED, owner(), previous, why));
    return new Look(context.control().state(flagKey), stored, true);
  }

  /** Stops acting: another guard owns the rollout. */
  synchronized void lose(String newOwner, String why) {
    if (!held) {
      return;
    }
    held = false;
    LOG.warn(
        "flag '{}': {} lost the rollout to {} ({}); it stops acting and stands by",
        flagKey,
        owner(),
        newOwner,
        why);
    events.accept(
        new OwnershipEvent(
            flagKey,
            context.clock().instant(),
            OwnershipEvent.Change.LOST,
            newOwner,
            owner(),
            why));
  }

  /** The record stored next to the flag, if one is there and readable. */
  Optional<RolloutRecord> stored(FlagState flag) {
    if (flag.rolloutRecord().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(RolloutRecord.parse(flagKey, flag.rolloutRecord().get()));
    } catch (IllegalArgumentException e) {
      alertOnce("rollout record unreadable", e.getMessage());
      return Optional.empty();
    }
  }

  /** True when {@code stored} is this rollout's record under this guard's lease. */
  boolean isMine(RolloutRecord stored) {
    return stored.owner().equals(owner()) && stored.rolloutId().equals(rolloutId);
  }

  private Write notDurable(WriteBackException e) {
    durable = false;
    alertOnce("rollout is not durable: kept in this process only", e.getMessage());
    return Write.NOT_DURABLE;
  }

  private Write failed(WriteBackException e) {
    dirty = true;
    alertOnce("rollout record not written; retried on the next check", e.getMessage());
    return Write.FAILED;
  }

  private WriteBackException conflictAgain() {
    return new WriteBackException(
        WriteBackException.Kind.CONFLICT,
        flagKey,
        "flag '" + flagKey + "' changed twice while its rollout record was written");
  }

  private void alertOnce(String title, String detail) {
    if (detail.equals(failureAlerted)) {
      return;
    }
    failureAlerted = detail;
    context.alert(Alert.Severity.WARNING, flagKey, title, detail);
  }
}
