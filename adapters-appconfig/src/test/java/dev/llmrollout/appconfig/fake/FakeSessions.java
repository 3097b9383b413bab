package dev.llmrollout.appconfig.fake;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * AppConfigData sessions and their single-use tokens: each token is valid once and for 24 hours,
 * and may not be used before the poll interval it was issued with has passed.
 */
final class FakeSessions {
  static final Duration TOKEN_LIFETIME = Duration.ofHours(24);

  static final class Session {
    final String applicationId;
    final String environmentId;
    final String profileId;
    final int intervalSeconds;

    /** Where the session stands in a gradual deployment: it gets the new version below this %. */
    final double rank;

    Integer servedVersion;

    Session(
        String applicationId,
        String environmentId,
        String profileId,
        int intervalSeconds,
        double rank) {
      this.applicationId = applicationId;
      this.environmentId = environmentId;
      this.profileId = profileId;
      this.intervalSeconds = intervalSeconds;
      this.rank = rank;
    }
  }

  private record Token(Session session, long usableAtNanos, Instant expiresAt) {}

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Token> live = new HashMap<>();
  private final Map<String, Boolean> spent = new HashMap<>();
  private volatile boolean enforcePollInterval = true;
  private long started;

  FakeSessions(Clock clock) {
    this.clock = clock;
  }

  void enforcePollInterval(boolean enforce) {
    this.enforcePollInterval = enforce;
  }

  /** Starts a session and returns its initial token, usable at once. */
  synchronized String start(Session session) {
    return issue(session, 0);
  }

  /**
   * The rank of the next session, spread evenly over 0..100 (golden-ratio steps), so that a
   * deployment at p % reaches p % of any number of sessions, as AppConfig deploys to a share of its
   * targets; which sessions AWS picks is not documented.
   */
  synchronized double nextRank() {
    double golden = 0.6180339887498949;
    return 100 * ((started++ * golden) % 1.0);
  }

  /**
   * Spends {@code token} and returns its session.
   *
   * @throws AwsError 400 Corrupted for an unknown token, Expired for a spent or old one,
   *     PollIntervalNotSatisfied when used early
   */
  synchronized Session spend(String token) {
    Token found = live.get(token);
    if (found == null) {
      throw spent.containsKey(token)
          ? expired("The configuration token was already used")
          : AwsError.invalidParameter(
              "ConfigurationToken", "Corrupted", "The configuration token is not valid");
    }
    if (clock.instant().isAfter(found.expiresAt())) {
      live.remove(token);
      spent.put(token, true);
      throw expired("The configuration token expired");
    }
    if (enforcePollInterval && System.nanoTime() < found.usableAtNanos()) {
      throw AwsError.invalidParameter(
          "ConfigurationToken",
          "PollIntervalNotSatisfied",
          "Polled before the interval of " + found.session().intervalSeconds + " s had passed");
    }
    live.remove(token);
    spent.put(token, true);
    return found.session();
  }

  /** The next token, usable one poll interval from now. */
  synchronized String next(Session session) {
    return issue(session, Duration.ofSeconds(session.intervalSeconds).toNanos());
  }

  /** Test hook: every live token expires, as after 24 hours. */
  synchronized void expireAll() {
    live.replaceAll((k, t) -> new Token(t.session(), t.usableAtNanos(), Instant.EPOCH));
  }

  private String issue(Session session, long delayNanos) {
    byte[] bytes = new byte[48];
    random.nextBytes(bytes);
    String token = Base64.getEncoder().encodeToString(bytes);
    live.put(
        token,
        new Token(session, System.nanoTime() + delayNanos, clock.instant().plus(TOKEN_LIFETIME)));
    return token;
  }

  private static AwsError expired(String message) {
    return AwsError.invalidParameter("ConfigurationToken", "Expired", message);
  }
}
