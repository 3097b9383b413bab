package dev.llmrollout.router.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/** Judges an answer's surface: refusal, empty or very short, valid JSON. */
public final class AnswerInspector {
  private final List<Pattern> refusalPatterns;
  private final int shortAnswerChars;
  private final ObjectMapper json;

  public AnswerInspector(List<Pattern> refusalPatterns, int shortAnswerChars, ObjectMapper json) {
    this.refusalPatterns = List.copyOf(refusalPatterns);
    this.shortAnswerChars = shortAnswerChars;
    this.json = json;
  }

  public boolean refusal(String answer) {
    for (Pattern pattern : refusalPatterns) {
      if (pattern.matcher(answer).find()) {
        return true;
      }
    }
    return false;
  }

  /** Empty, or shorter than the configured number of characters once trimmed. */
  public boolean emptyOrShort(String answer) {
    return answer.strip().length() < shortAnswerChars;
  }

  public boolean validJson(String answer) {
    String trimmed = stripCodeFence(answer.strip());
    if (trimmed.isEmpty()) {
      return false;
    }
    try (var parser = json.createParser(trimmed)) {
      parser.nextToken();
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  /** Models often wrap JSON in a Markdown fence; the JSON inside still counts as valid. */
  private static String stripCodeFence(String text) {
    if (!text.startsWith("```") || !text.endsWith("```") || text.length() < 6) {
      return text;
    }
    int firstLineEnd = text.indexOf('\n');
    return firstLineEnd < 0 ? text : text.substring(firstLineEnd + 1, text.length() - 3).strip();
  }
}
