package dev.llmrollout.router.internal;

/**
 * What one model costs on one endpoint, in US dollars per million tokens.
 *
 * @param inputPerMillion price of a million prompt tokens
 * @param outputPerMillion price of a million completion tokens
 */
public record ModelPrice(double inputPerMillion, double outputPerMillion) {

  /** The cost of one call in US dollars. */
  public double cost(long inputTokens, long outputTokens) {
    return (inputTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000.0;
  }
}
