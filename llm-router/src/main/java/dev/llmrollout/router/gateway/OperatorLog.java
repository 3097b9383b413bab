package dev.llmrollout.router.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What on-call reads the morning after: one line per admin action, reload, rejected edit and guard
 * decision, as {@code key=value} pairs (logfmt) so that both people and log pipelines can read it.
 * Each line says who, what and why: {@code event=admin.kill flag=support-model actor=...
 * reason=...}. The logger {@value #LOGGER} logs at INFO even when the rest of the gateway logs only
 * warnings.
 */
public final class OperatorLog {
  public static final String LOGGER = "llm-router.operator";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private OperatorLog() {}

  /** An event and its fields, in order: {@code OperatorLog.event("reload").with("flags", keys)}. */
  public static Line event(String event) {
    return new Line(event);
  }

  /** One line being built. */
  public static final class Line {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private Line(String event) {
      fields.put("event", event);
    }

    public Line with(String key, Object value) {
      fields.put(key, value);
      return this;
    }

    public void info() {
      LOG.info(format());
    }

    public void warn() {
      LOG.warn(format());
    }

    String format() {
      StringBuilder line = new StringBuilder();
      fields.forEach(
          (key, value) -> {
            if (line.length() > 0) {
              line.append(' ');
            }
            line.append(key).append('=').append(quoted(String.valueOf(value)));
          });
      return line.toString();
    }

    private static String quoted(String value) {
      if (!value.isEmpty() && value.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '=')) {
        return value;
      }
      return '"'
          + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "")
          + '"';
    }
  }
}
