package dev.llmrollout.variant;

/**
 * A variant payload that does not have the expected shape. The message names the flag, the variant,
 * the JSON path and what was expected.
 */
public final class InvalidVariantException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String flagKey;
  private final String path;

  public InvalidVariantException(String flagKey, String variant, String path, String expected) {
    super(
        "flag '" + flagKey + "' variant '" + variant + "': at " + path + ": expected " + expected);
    this.flagKey = flagKey;
    this.path = path;
  }

  public String flagKey() {
    return flagKey;
  }

  /** The JSON path of the offending field, such as {@code $.prompt.messages[1].role}. */
  public String path() {
    return path;
  }
}
