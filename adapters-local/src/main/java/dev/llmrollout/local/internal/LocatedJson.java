package dev.llmrollout.local.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON text with the character range of every value in it, so that an edit can rewrite the values
 * it changes and copy everything else (whitespace, key order, number spelling) verbatim.
 */
sealed interface LocatedJson {
  JsonFactory FACTORY = new JsonFactory();

  /** The value's first character. */
  int start();

  /** One past the value's last character. */
  int end();

  /** A string, number, boolean or null. */
  record Scalar(int start, int end) implements LocatedJson {}

  /**
   * One {@code "key": value} of an object: the key's quotes included in {@code keyStart..keyEnd}.
   */
  record Member(String name, int keyStart, int keyEnd, LocatedJson value) {}

  record ObjectValue(int start, int end, List<Member> members) implements LocatedJson {}

  record ArrayValue(int start, int end, List<LocatedJson> elements) implements LocatedJson {}

  /** Locates every value of {@code text}, which must hold exactly one JSON value. */
  static LocatedJson parse(String text) throws IOException {
    try (JsonParser parser = FACTORY.createParser(text)) {
      parser.nextToken();
      LocatedJson root = read(parser, text);
      if (parser.nextToken() != null) {
        throw new IOException("more than one JSON value at offset " + offset(parser));
      }
      return root;
    }
  }

  private static LocatedJson read(JsonParser parser, String text) throws IOException {
    int start = offset(parser);
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) {
      List<Member> members = new ArrayList<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        int keyStart = offset(parser);
        String name = parser.currentName();
        parser.nextToken();
        members.add(new Member(name, keyStart, scalarEnd(text, keyStart), read(parser, text)));
      }
      return new ObjectValue(start, offset(parser) + 1, List.copyOf(members));
    }
    if (token == JsonToken.START_ARRAY) {
      List<LocatedJson> elements = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        elements.add(read(parser, text));
      }
      return new ArrayValue(start, offset(parser) + 1, List.copyOf(elements));
    }
    return new Scalar(start, scalarEnd(text, start));
  }

  /**
   * Where the scalar starting at {@code start} ends, read from the text itself: the parser's own
   * "current location" runs ahead of the token it returned.
   */
  private static int scalarEnd(String text, int start) {
    int i = start;
    if (text.charAt(i) == '"') {
      i++;
      while (text.charAt(i) != '"') {
        i += text.charAt(i) == '\\' ? 2 : 1;
      }
      return i + 1;
    }
    while (i < text.length() && "+-.0123456789eEtrufalsn".indexOf(text.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  private static int offset(JsonParser parser) {
    return (int) parser.currentTokenLocation().getCharOffset();
  }
}
