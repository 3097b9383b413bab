package dev.llmrollout.router.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.llmrollout.variant.ChatMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a regression set: JSON lines, one case per line; blank lines and lines starting with {@code
 * #} are skipped. A malformed case fails the whole set with an {@link EvalInputException} naming
 * its line and field.
 *
 * <pre>{@code
 * {"id": "pay-1", "intent": "payment",
 *  "messages": [{"role": "user", "content": "Order #A-1, card ending 4242: why declined?"}],
 *  "variables": {"company": "Acme"},
 *  "checks": {"notRefusal": true, "contains": ["declined"], "notContains": ["4242"],
 *             "regex": "(?i)bank|card", "json": false, "maxLatencyMs": 5000,
 *             "maxOutputTokens": 400, "judge": {"reference": "...", "minScore": 0}}}
 * }</pre>
 *
 * <p>{@code "jsonSchema": {...}} checks valid JSON against a JSON Schema (draft 2020-12).
 */
public final class EvalCaseReader {
  private static final Set<String> CASE_FIELDS =
      Set.of("id", "intent", "messages", "variables", "checks");
  private static final Set<String> CHECK_FIELDS =
      Set.of(
          "contains",
          "notContains",
          "regex",
          "json",
          "jsonSchema",
          "notRefusal",
          "maxLatencyMs",
          "maxOutputTokens",
          "judge");
  private static final Set<String> ROLES = Set.of("system", "user", "assistant");

  private final ObjectMapper json = new ObjectMapper();
  private final JsonSchemaFactory schemas =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  /** Reads every case of {@code file}. */
  public List<EvalCase> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EvalInputException(0, "--cases", "cannot read " + file + ": " + e.getMessage());
    }
    List<EvalCase> cases = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i).strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      EvalCase parsed = parse(i + 1, text);
      if (!ids.add(parsed.id())) {
        throw new EvalInputException(i + 1, "id", "'" + parsed.id() + "' is used twice");
      }
      cases.add(parsed);
    }
    if (cases.isEmpty()) {
      throw new EvalInputException(0, "--cases", file + " holds no case");
    }
    return cases;
  }

  /** Parses one line (1-based {@code line} for messages). */
  EvalCase parse(int line, String text) {
    JsonNode node;
    try {
      node = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new EvalInputException(
          line, "$", "expected a JSON object, " + e.getOriginalMessage().split("\n")[0]);
    }
    if (!node.isObject()) {
      throw new EvalInputException(
          line, "$", "expected a JSON object, found " + node.getNodeType());
    }
    unknown(line, "", node, CASE_FIELDS);
    String id = text(line, "id", node.get("id"));
    String intent = text(line, "intent", node.get("intent"));
    List<ChatMessage> messages = messages(line, node.get("messages"));
    Map<String, String> variables = variables(line, node.get("variables"));
    JsonNode checks = node.get("checks");
    if (checks == null || !checks.isObject() || checks.isEmpty()) {
      throw new EvalInputException(line, "checks", "expected an object with at least one check");
    }
    unknown(line, "checks.", checks, CHECK_FIELDS);
    return new EvalCase(
        id, intent, messages, variables, checks(line, checks), judge(line, checks), line);
  }

  private List<CaseCheck> checks(int line, JsonNode checks) {
    List<CaseCheck> parsed = new ArrayList<>();
    for (String text : texts(line, "checks.contains", checks.get("contains"))) {
      parsed.add(new CaseCheck.Contains(text));
    }
    for (String text : texts(line, "checks.notContains", checks.get("notContains"))) {
      parsed.add(new CaseCheck.NotContains(text));
    }
    for (String regex : texts(line, "checks.regex", checks.get("regex"))) {
      try {
        parsed.add(new CaseCheck.Matches(Pattern.compile(regex)));
      } catch (PatternSyntaxException e) {
        throw new EvalInputException(
            line, "checks.regex", "expected a regular expression: " + e.getDescription());
      }
    }
    JsonNode schema = checks.get("jsonSchema");
    if (schema != null) {
      if (!schema.isObject()) {
        throw new EvalInputException(line, "checks.jsonSchema", "expected a JSON Schema object");
      }
      try {
        parsed.add(new CaseCheck.ValidJson(Optional.of(schemas.getSchema(schema))));
      } catch (RuntimeException e) {
        throw new EvalInputException(
            line, "checks.jsonSchema", "expected a JSON Schema: " + e.getMessage());
      }
    } else if (flag(line, "checks.json", checks.get("json"))) {
      parsed.add(new CaseCheck.ValidJson(Optional.empty()));
    }
    if (flag(line, "checks.notRefusal", checks.get("notRefusal"))) {
      parsed.add(new CaseCheck.NotRefusal());
    }
    positive(line, "checks.maxLatencyMs", checks.get("maxLatencyMs"))
        .ifPresent(ms -> parsed.add(new CaseCheck.MaxLatency(Duration.ofMillis(ms))));
    positive(line, "checks.maxOutputTokens", checks.get("maxOutputTokens"))
        .ifPresent(max -> parsed.add(new CaseCheck.MaxOutputTokens(max)));
    return parsed;
  }

  private Optional<EvalCase.JudgeThreshold> judge(int line, JsonNode checks) {
    JsonNode judge = checks.get("judge");
    if (judge == null) {
      return Optional.empty();
    }
    if (!judge.isObject()) {
      throw new EvalInputException(
          line, "checks.judge", "expected {\"reference\": \"...\", \"minScore\": -1..1}");
    }
    unknown(line, "checks.judge.", judge, Set.of("reference", "minScore"));
    String reference = text(line, "checks.judge.reference", judge.get("reference"));
    JsonNode min = judge.get("minScore");
    if (min != null && (!min.isNumber() || min.asDouble() < -1 || min.asDouble() > 1)) {
      throw new EvalInputException(
          line, "checks.judge.minScore", "expected a number from -1 to 1, found " + min);
    }
    return Optional.of(new EvalCase.JudgeThreshold(reference, min == null ? 0 : min.asDouble()));
  }

  private static List<ChatMessage> messages(int line, JsonNode node) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new EvalInputException(
          line, "messages", "expected a non-empty array of {\"role\", \"content\"}");
    }
    List<ChatMessage> messages = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String at = "messages[" + i + "]";
      JsonNode message = node.get(i);
      if (!message.isObject()) {
        throw new EvalInputException(line, at, "expected {\"role\", \"content\"}");
      }
      String role = text(line, at + ".role", message.get("role"));
      if (!ROLES.contains(role)) {
        throw new EvalInputException(
            line, at + ".role", "expected one of " + ROLES + ", found '" + role + "'");
      }
      messages.add(new ChatMessage(role, text(line, at + ".content", message.get("content"))));
    }
    return messages;
  }

  private static Map<String, String> variables(int line, JsonNode node) {
    Map<String, String> variables = new LinkedHashMap<>();
    if (node == null) {
      return variables;
    }
    if (!node.isObject()) {
      throw new EvalInputException(line, "variables", "expected an object of strings");
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isTextual()) {
        throw new EvalInputException(
            line, "variables." + entry.getKey(), "expected a string, found " + entry.getValue());
      }
      variables.put(entry.getKey(), entry.getValue().asText());
    }
    return variables;
  }

  private static String text(int line, String field, JsonNode node) {
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw new EvalInputException(
          line, field, "expected a non-empty string, found " + (node == null ? "nothing" : node));
    }
    return node.asText();
  }

  private static List<String> texts(int line, String field, JsonNode node) {
    if (node == null) {
      return List.of();
    }
    if (node.isTextual()) {
      return List.of(text(line, field, node));
    }
    if (!node.isArray()) {
      throw new EvalInputException(line, field, "expected a string or an array of strings");
    }
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      texts.add(text(line, field + "[" + i + "]", node.get(i)));
    }
    return texts;
  }

  private static boolean flag(int line, String field, JsonNode node) {
    if (node != null && !node.isBoolean()) {
      throw new EvalInputException(line, field, "expected true or false, found " + node);
    }
    return node != null && node.asBoolean();
  }

  private static Optional<Long> positive(int line, String field, JsonNode node) {
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isIntegralNumber() || node.asLong() <= 0) {
      throw new EvalInputException(line, field, "expected a positive whole number, found " + node);
    }
    return Optional.of(node.asLong());
  }

  private static void unknown(int line, String prefix, JsonNode node, Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw new EvalInputException(
            line,
            prefix + name,
            "unknown field, expected one of " + new java.util.TreeSet<>(known));
      }
    }
  }
}
