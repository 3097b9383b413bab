package dev.llmrollout.local.internal;

/** A targeting rule that cannot work, found when the configuration loads. */
final class InvalidTargetingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String expected;

  /**
   * @param field where in the targeting, e.g. {@code .if[0].sem_ver[1]}
   * @param expected what was expected there, and what was found
   */
  InvalidTargetingException(String field, String expected) {
    super("at $.targeting" + field + ": expected " + expected);
    this.field = field;
    this.expected = expected;
  }

  String field() {
    return field;
  }

  String expected() {
    return expected;
  }
}
