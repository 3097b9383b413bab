package dev.llmrollout.unleash.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a flag's managed strategy through the Admin API and writes it with a JSON Patch that opens
 * with {@code test}s of the strategy as read, so that Unleash refuses the patch when the strategy
 * changed since (see {@link ManagedStrategy#patchTo}). A refused patch of a conditional write is a
 * {@link Kind#CONFLICT}; an unconditional one is planned again on what Unleash holds now.
 */
public final class StrategyWriter {
  /** Plans of an unconditional write, each on what Unleash holds after the last was refused. */
  private static final int PLAN_ATTEMPTS = 3;

  /** The strategy to write and whether the environment is to be on afterwards. */
  public record Plan(ObjectNode body, boolean environmentOn) {}

  /** Confirms a patch Unleash accepted and returns the state read back. */
  public interface Verification {
    FlagState verify(String flagKey, ManagedStrategy before, Plan plan);
  }

  private final AdminApi admin;
  private final String project;
  private final String environment;

  public StrategyWriter(AdminApi admin, String project, String environment) {
    this.admin = admin;
    this.project = project;
    this.environment = environment;
  }

  /** The managed strategy as Unleash holds it now. */
  public ManagedStrategy read(String flagKey) {
    JsonNode feature = admin.get(flagKey, featurePath(flagKey));
    return ManagedStrategy.of(flagKey, environment, feature);
  }

  /**
   * Reads, plans, PATCHes the strategy and has {@code verification} confirm it.
   *
   * @param planner the write on the strategy as read; empty when there is nothing to change
   */
  public FlagState write(
      String flagKey,
      ChangeRequest request,
      Function<ManagedStrategy, Optional<Plan>> planner,
      Verification verification) {
    String refusal = "";
    for (int attempt = 1; attempt <= PLAN_ATTEMPTS; attempt++) {
      ManagedStrategy current = readAt(flagKey, request);
      Optional<Plan> plan = planner.apply(current);
      if (plan.isEmpty()) {
        return current.state();
      }
      Optional<String> refused =
          admin.patchUnlessRefused(
              flagKey, strategyPath(flagKey, current.id()), current.patchTo(plan.get().body()));
      if (refused.isEmpty()) {
        return verification.verify(flagKey, current, plan.get());
      }
      refusal = refused.get();
      ManagedStrategy now = read(flagKey);
      if (now.version().equals(current.version())) {
        throw new WriteBackException(
            refusal.startsWith("HTTP 500") ? Kind.UNAVAILABLE : Kind.INVALID_REQUEST,
            flagKey,
            "flag '" + flagKey + "': Unleash refused the strategy update: " + refusal);
      }
      if (request.expectedVersion().isPresent()) {
        throw changedSince(flagKey, request.expectedVersion().get(), now.version());
      }
    }
    throw new WriteBackException(
        Kind.CONFLICT,
        flagKey,
        "flag '"
            + flagKey
            + "': changed under every one of "
            + PLAN_ATTEMPTS
            + " attempts to write it (last refusal: "
            + refusal
            + ")");
  }

  /** Turns the flag's environment on or off. */
  public void switchEnvironment(String flagKey, boolean on) {
    admin.send(flagKey, "POST", environmentPath(flagKey) + (on ? "/on" : "/off"), null);
  }

  private ManagedStrategy readAt(String flagKey, ChangeRequest request) {
    ManagedStrategy current = read(flagKey);
    Optional<String> expected = request.expectedVersion();
    if (expected.isPresent() && !expected.get().equals(current.version())) {
      throw changedSince(flagKey, expected.get(), current.version());
    }
    return current;
  }

  private static WriteBackException changedSince(String flagKey, String expected, String now) {
    return new WriteBackException(
        Kind.CONFLICT,
        flagKey,
        "flag '"
            + flagKey
            + "': changed since version "
            + expected
            + " was read (now "
            + now
            + "); re-read and decide again");
  }

  private String featurePath(String flagKey) {
    return "/admin/projects/" + encode(project) + "/features/" + encode(flagKey);
  }

  private String environmentPath(String flagKey) {
    return featurePath(flagKey) + "/environments/" + encode(environment);
  }

  private String strategyPath(String flagKey, String strategyId) {
    return environmentPath(flagKey) + "/strategies/" + encode(strategyId);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
