package dev.llmrollout.local.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the part of Gherkin that flagd-testbed's evaluator features use into runnable scenarios:
 * tags, {@code Feature}, {@code Background}, {@code Scenario}, {@code Scenario Outline} with tagged
 * {@code Examples} tables (each row becoming its own scenario), steps and step data tables.
 * Anything else fails loudly, so a newer testbed cannot be half-read.
 */
public final class GherkinScenarios {
  private static final Pattern PLACEHOLDER = Pattern.compile("<([^<>]+)>");
  private static final Pattern STEP = Pattern.compile("(Given|When|Then|And|But|\\*) (.+)");

  /** One step; {@code table} holds its data-table rows (the first row is the header). */
  public record Step(String text, List<List<String>> table) {}

  /** A runnable scenario: an outline's example row is one of these, named after the row. */
  public record Scenario(String name, Set<String> tags, List<Step> steps) {}

  private final String source;
  private final Set<String> featureTags = new LinkedHashSet<>();
  private final List<Step> background = new ArrayList<>();
  private final List<Scenario> scenarios = new ArrayList<>();
  private Set<String> pendingTags = new LinkedHashSet<>();
  private String scenarioName;
  private Set<String> scenarioTags;
  private boolean outline;
  private List<Step> steps;
  private Examples examples;
  private List<Step> currentSteps;

  private record Examples(String name, Set<String> tags, List<List<String>> rows) {}

  private GherkinScenarios(String source) {
    this.source = source;
  }

  /**
   * The scenarios of one feature file, background steps first in each.
   *
   * @param source the file's name, the prefix of every scenario's name
   * @throws IllegalArgumentException naming the line it cannot read
   */
  public static List<Scenario> parse(String source, String text) {
    GherkinScenarios parser = new GherkinScenarios(source);
    String[] lines = text.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      parser.line(i + 1, lines[i].strip());
    }
    parser.endScenario();
    return parser.scenarios;
  }

  private void line(int number, String line) {
    if (line.isEmpty() || line.startsWith("#")) {
      return;
    }
    if (line.startsWith("@")) {
      pendingTags.addAll(List.of(line.split("\\s+")));
    } else if (line.startsWith("Feature:")) {
      featureTags.addAll(takeTags());
    } else if (line.equals("Background:")) {
      currentSteps = background;
    } else if (line.startsWith("Scenario Outline:") || line.startsWith("Scenario:")) {
      endScenario();
      outline = line.startsWith("Scenario Outline:");
      scenarioName = line.substring(line.indexOf(':') + 1).strip();
      scenarioTags = takeTags();
      steps = new ArrayList<>();
      currentSteps = steps;
    } else if (line.startsWith("Examples:")) {
      endExamples();
      examples =
          new Examples(line.substring("Examples:".length()).strip(), takeTags(), new ArrayList<>());
      currentSteps = null;
    } else if (line.startsWith("|")) {
      row(number, cells(line));
    } else {
      step(number, line);
    }
  }

  private void step(int number, String line) {
    Matcher step = STEP.matcher(line);
    if (!step.matches() || currentSteps == null) {
      throw new IllegalArgumentException(source + ":" + number + ": cannot read '" + line + "'");
    }
    currentSteps.add(new Step(step.group(2), new ArrayList<>()));
  }

  private void row(int number, List<String> cells) {
    if (examples != null) {
      examples.rows().add(cells);
    } else if (currentSteps != null && !currentSteps.isEmpty()) {
      currentSteps.get(currentSteps.size() - 1).table().add(cells);
    } else {
      throw new IllegalArgumentException(source + ":" + number + ": a table row with no step");
    }
  }

  private Set<String> takeTags() {
    Set<String> tags = pendingTags;
    pendingTags = new LinkedHashSet<>();
    return tags;
  }

  private void endScenario() {
    endExamples();
    if (scenarioName != null && !outline) {
      scenarios.add(scenario(scenarioName, Set.of(), Map.of()));
    }
    scenarioName = null;
  }

  private void endExamples() {
    if (examples == null) {
      return;
    }
    List<String> header = examples.rows().get(0);
    for (int r = 1; r < examples.rows().size(); r++) {
      Map<String, String> values = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        values.put(header.get(c), examples.rows().get(r).get(c));
      }
      String label = examples.name().isEmpty() ? "Examples" : examples.name();
      String row = String.join(", ", values.entrySet().stream().map(Object::toString).toList());
      scenarios.add(
          scenario(
              scenarioName + " [" + label + " #" + r + ": " + row + "]", examples.tags(), values));
    }
    examples = null;
  }

  private Scenario scenario(String name, Set<String> exampleTags, Map<String, String> values) {
    Set<String> tags = new LinkedHashSet<>(featureTags);
    tags.addAll(scenarioTags);
    tags.addAll(exampleTags);
    List<Step> all = new ArrayList<>(background);
    for (Step step : steps) {
      List<List<String>> table = new ArrayList<>();
      step.table().forEach(row -> table.add(row.stream().map(c -> fill(c, values)).toList()));
      all.add(new Step(fill(step.text(), values), table));
    }
    return new Scenario(source + ": " + name, tags, all);
  }

  private static String fill(String text, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder filled = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      m.appendReplacement(filled, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    return m.appendTail(filled).toString();
  }

  /** A table row's cells, with Gherkin's escapes {@code \|}, {@code \\} and {@code \n} undone. */
  private static List<String> cells(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    for (int i = 1; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length() && "|\\n".indexOf(line.charAt(i + 1)) >= 0) {
        char next = line.charAt(++i);
        cell.append(next == 'n' ? '\n' : next);
      } else if (c == '|') {
        cells.add(cell.toString().strip());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    return cells;
  }
}
