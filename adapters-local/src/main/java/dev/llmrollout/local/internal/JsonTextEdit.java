package dev.llmrollout.local.internal;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.local.internal.LocatedJson.ArrayValue;
import dev.llmrollout.local.internal.LocatedJson.Member;
import dev.llmrollout.local.internal.LocatedJson.ObjectValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes an edited JSON tree back over the text it was read from, changing only the values that
 * differ: every unchanged value, the whitespace between values and the key order stay byte for
 * byte, so a kill or a weight change in a reviewed flags file is a diff of a few lines. A value
 * that is new or changes shape is written on one line ({@code {"a": 1, "b": [2, 3]}}), unless the
 * caller hands over the text to write for it (a restore puts back the text a kill replaced).
 */
public final class JsonTextEdit {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String original;
  private final Map<JsonPointer, String> texts;

  private JsonTextEdit(String original, Map<JsonPointer, String> texts) {
    this.original = original;
    this.texts = texts;
  }

  /**
   * The text of {@code updated}, sharing every unchanged part with {@code original}.
   *
   * @param texts text to write for the value at a pointer when that value changed, used only if it
   *     parses to the updated value there
   */
  public static String rewrite(String original, JsonNode updated, Map<JsonPointer, String> texts)
      throws IOException {
    JsonTextEdit edit = new JsonTextEdit(original, texts);
    LocatedJson root = LocatedJson.parse(original);
    return edit.text(0, root.start())
        + edit.render(root, JSON.readTree(original), updated, JsonPointer.empty())
        + edit.text(root.end(), original.length());
  }

  /** The original text of the value at {@code pointer}, or null where there is none. */
  public static String originalText(String original, JsonPointer pointer) throws IOException {
    LocatedJson value = LocatedJson.parse(original);
    for (JsonPointer p = pointer; !p.matches(); p = p.tail()) {
      value = child(value, p);
      if (value == null) {
        return null;
      }
    }
    return original.substring(value.start(), value.end());
  }

  private static LocatedJson child(LocatedJson value, JsonPointer step) {
    if (value instanceof ObjectValue object) {
      return object.members().stream()
          .filter(m -> m.name().equals(step.getMatchingProperty()))
          .map(Member::value)
          .findFirst()
          .orElse(null);
    }
    if (value instanceof ArrayValue array && step.getMatchingIndex() >= 0) {
      int index = step.getMatchingIndex();
      return index < array.elements().size() ? array.elements().get(index) : null;
    }
    return null;
  }

  private String render(LocatedJson at, JsonNode before, JsonNode after, JsonPointer pointer)
      throws IOException {
    if (before.equals(after)) {
      return text(at.start(), at.end());
    }
    String given = texts.get(pointer);
    if (given != null && JSON.readTree(given).equals(after)) {
      return given;
    }
    if (at instanceof ObjectValue object && after.isObject()) {
      return renderObject(object, before, after, pointer);
    }
    if (at instanceof ArrayValue array
        && after.isArray()
        && after.size() == array.elements().size()) {
      return renderArray(array, before, after, pointer);
    }
    return oneLine(after);
  }

  private String renderArray(ArrayValue array, JsonNode before, JsonNode after, JsonPointer pointer)
      throws IOException {
    StringBuilder out = new StringBuilder();
    int copiedTo = array.start();
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      out.append(text(copiedTo, element.start()));
      out.append(render(element, before.get(i), after.get(i), pointer.appendIndex(i)));
      copiedTo = element.end();
    }
    return out.append(text(copiedTo, array.end())).toString();
  }

  private String renderObject(
      ObjectValue object, JsonNode before, JsonNode after, JsonPointer pointer) throws IOException {
    List<Member> members = object.members();
    if (members.isEmpty()) {
      return oneLine(after);
    }
    String open = text(object.start() + 1, members.get(0).keyStart());
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < members.size(); i++) {
      Member member = members.get(i);
      if (after.has(member.name())) {
        body.append(body.length() == 0 ? "" : gapBefore(members, i, open));
        body.append(renderMember(member, before, after, pointer));
      }
    }
    for (Iterator<String> names = after.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!before.has(name)) {
        body.append(body.length() == 0 ? "" : gapBefore(members, members.size(), open));
        body.append(quoted(name)).append(colon(members)).append(oneLine(after.get(name)));
      }
    }
    if (body.length() == 0) {
      return "{}";
    }
    String close = text(members.get(members.size() - 1).value().end(), object.end() - 1);
    return "{" + open + body + close + "}";
  }

  private String renderMember(Member member, JsonNode before, JsonNode after, JsonPointer pointer)
      throws IOException {
    String name = member.name();
    return text(member.keyStart(), member.value().start())
        + render(member.value(), before.get(name), after.get(name), pointer.appendProperty(name));
  }

  /**
   * The text the file has before member {@code i}, such as {@code ",\n "}; for a new member, the
   * text before the last one.
   */
  private String gapBefore(List<Member> members, int i, String open) {
    int at = Math.min(i, members.size() - 1);
    if (at > 0) {
      return text(members.get(at - 1).value().end(), members.get(at).keyStart());
    }
    return open.contains("\n") ? "," + open : ", ";
  }

  private String colon(List<Member> members) {
    return members.isEmpty() ? ": " : text(members.get(0).keyEnd(), members.get(0).value().start());
  }

  private String text(int from, int to) {
    return original.substring(from, to);
  }

  /** A new value on one line, with a space after each comma and colon as people write it. */
  static String oneLine(JsonNode value) {
    if (value.isObject()) {
      List<String> members = new ArrayList<>();
      value
          .properties()
          .forEach(e -> members.add(quoted(e.getKey()) + ": " + oneLine(e.getValue())));
      return "{" + String.join(", ", members) + "}";
    }
    if (value.isArray()) {
      List<String> elements = new ArrayList<>();
      value.elements().forEachRemaining(e -> elements.add(oneLine(e)));
      return "[" + String.join(", ", elements) + "]";
    }
    return value.toString();
  }

  private static String quoted(String name) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(name)) + "\"";
  }
}
