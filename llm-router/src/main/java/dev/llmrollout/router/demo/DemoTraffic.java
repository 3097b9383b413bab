package dev.llmrollout.router.demo;

import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.RouteRequest;
import dev.llmrollout.router.RoutedResponse;
import dev.llmrollout.router.RoutingException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sessions asking the support assistant about billing, shipping, accounts and payments, some
 * pasting their order data inline, routed through the real router.
 */
final class DemoTraffic {
  static final String FLAG = "support-model";
  static final List<String> INTENTS = List.of("billing", "shipping", "account", "payment");
  private static final double[] INTENT_SHARES = {0.35, 0.30, 0.20, 0.15};

  private final ModelRouter router;
  private final int sessions;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Set<String> canarySessions = ConcurrentHashMap.newKeySet();
  private final Set<String> refusedSessions = ConcurrentHashMap.newKeySet();
  private final Set<String> activeSessions = ConcurrentHashMap.newKeySet();

  DemoTraffic(ModelRouter router, int sessions) {
    this.router = router;
    this.sessions = sessions;
  }

  /** Sends one request for a pseudo-random session; never throws. */
  void sendOne(Random random) {
    String session = "session-" + random.nextInt(sessions);
    String intent = intentOf(session);
    activeSessions.add(session);
    RouteRequest request =
        RouteRequest.builder(FLAG)
            .sessionId(session)
            .attribute("intent", intent)
            .variable("company", "Acme")
            .userMessage(question(intent, random))
            .build();
    try {
      RoutedResponse response = router.route(request);
      if (response.modelFlag().variant().equals("canary")) {
        canarySessions.add(session);
        if (response.refusal()) {
          refusedSessions.add(session);
        }
      }
    } catch (RoutingException e) {
      failed.incrementAndGet();
    }
    sent.incrementAndGet();
  }

  /** A session keeps its intent for the whole demo, as a real conversation would. */
  private static String intentOf(String session) {
    double u = (session.hashCode() & 0x7fffffff) % 1000 / 1000.0;
    double cumulative = 0;
    for (int i = 0; i < INTENTS.size(); i++) {
      cumulative += INTENT_SHARES[i];
      if (u < cumulative) {
        return INTENTS.get(i);
      }
    }
    return INTENTS.get(0);
  }

  private static String question(String intent, Random random) {
    return switch (intent) {
      case "payment" ->
          "My payment failed. Order #A-"
              + (10000 + random.nextInt(90000))
              + ", card ending "
              + (1000 + random.nextInt(9000))
              + ", amount 49.99 EUR. Why was it declined?";
      case "billing" -> "Why is my invoice higher this month?";
      case "shipping" -> "When will my parcel arrive?";
      default -> "How do I change the email on my account?";
    };
  }

  long sent() {
    return sent.get();
  }

  int sessionsSeen() {
    return activeSessions.size();
  }

  long failed() {
    return failed.get();
  }

  Map<String, Integer> exposure() {
    return Map.of("canary", canarySessions.size(), "refused", refusedSessions.size());
  }

  /** True for a prompt with order data pasted inline: what the canary model chokes on. */
  static boolean hasInlineOrderData(String prompt) {
    return prompt.contains("Order #") && prompt.contains("card ending");
  }
}
