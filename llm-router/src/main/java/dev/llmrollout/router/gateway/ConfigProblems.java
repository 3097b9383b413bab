package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.PrintWriter;
import java.util.List;

/**
 * The flags and endpoints cannot be served together: every {@link ConfigCheck.Problem} found, each
 * naming the flag (or file), the path and what was expected. {@code llm-router} exits with 2.
 */
public final class ConfigProblems extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigCheck.Problem> problems;

  public ConfigProblems(List<ConfigCheck.Problem> problems) {
    super(
        problems.size()
            + " configuration problem(s); fix them (llm-router validate lists them) and start"
            + " again");
    this.problems = List.copyOf(problems);
  }

  public List<ConfigCheck.Problem> problems() {
    return problems;
  }

  /** One problem a line, indented, for a terminal. */
  public void print(PrintWriter out) {
    problems.forEach(p -> out.println("  - " + p));
  }

  public ArrayNode toJson() {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    problems.forEach(
        p ->
            array
                .addObject()
                .put("flag", p.flag())
                .put("path", p.path())
                .put("expected", p.expected()));
    return array;
  }
}
