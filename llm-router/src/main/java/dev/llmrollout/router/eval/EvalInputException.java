package dev.llmrollout.router.eval;

/**
 * A regression set or an eval option is malformed. The message names the file's line and the field
 * and says what was expected; {@code llm-router eval} exits with 2.
 */
public final class EvalInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final String field;

  /**
   * @param line the 1-based line of the cases file, 0 when the problem is not on one line
   * @param field the field, as a path such as {@code checks.maxLatencyMs}
   * @param problem what was expected and what was found
   */
  public EvalInputException(int line, String field, String problem) {
    super((line > 0 ? "line " + line + ", " : "") + "field '" + field + "': " + problem);
    this.line = line;
    this.field = field;
  }

  public int line() {
    return line;
  }

  public String field() {
    return field;
  }
}
