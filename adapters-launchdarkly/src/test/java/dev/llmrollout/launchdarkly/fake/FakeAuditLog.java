package dev.llmrollout.launchdarkly.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The local LaunchDarkly's audit log: one entry per applied patch (semantic or JSON Patch), listed
 * by {@code GET /api/v2/auditlog?spec=proj/<p>:env/<e>:flag/<k>&limit=} (newest first, summary
 * form) and read by {@code GET /api/v2/auditlog/{id}} (with {@code previousVersion} and {@code
 * currentVersion}).
 */
public final class FakeAuditLog {
  /** One audit-log entry: what a patch changed and why. */
  public record Entry(
      String id,
      long date,
      String flagKey,
      String comment,
      JsonNode changes,
      int version,
      JsonNode previousVersion,
      JsonNode currentVersion) {

    ObjectNode summary() {
      ObjectNode item = FakeFlag.JSON.createObjectNode();
      item.put("_id", id);
      item.put("date", date);
      item.put("kind", "flag");
      item.put("name", flagKey);
      item.put("comment", comment);
      item.put("titleVerb", "updated the flag");
      item.putObject("member").put("email", "writer@example.com");
      return item;
    }

    ObjectNode detail() {
      ObjectNode item = summary();
      item.set("previousVersion", previousVersion);
      item.set("currentVersion", currentVersion);
      item.putNull("delta");
      return item;
    }
  }

  private final List<Entry> entries = new CopyOnWriteArrayList<>();

  void add(Entry entry) {
    entries.add(entry);
  }

  List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** {@code GET /api/v2/auditlog?spec=...:flag/<key>&limit=} (newest first) and {@code /{id}}. */
  boolean answer(Request request, Response response, Callback callback, String flagSpecPrefix) {
    String path = Request.getPathInContext(request);
    if (path.startsWith("/api/v2/auditlog/")) {
      String id = path.substring("/api/v2/auditlog/".length());
      return entries.stream()
          .filter(e -> e.id().equals(id))
          .findFirst()
          .map(
              e -> LocalLaunchDarkly.json(response, callback, 200, e.detail().toString(), Map.of()))
          .orElseGet(
              () ->
                  LocalLaunchDarkly.json(
                      response,
                      callback,
                      404,
                      new ApiError(404, "not_found", "Unknown resource").body(),
                      Map.of()));
    }
    Map<String, String> query = new HashMap<>();
    String raw = request.getHttpURI().getQuery();
    for (String pair : raw == null ? new String[0] : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        query.put(
            pair.substring(0, eq),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    String spec = query.getOrDefault("spec", "");
    String wanted = flagSpecPrefix;
    int limit = Integer.parseInt(query.getOrDefault("limit", "10"));
    ObjectNode body = FakeFlag.JSON.createObjectNode();
    var items = body.putArray("items");
    List<Entry> newestFirst = new ArrayList<>(entries);
    Collections.reverse(newestFirst);
    newestFirst.stream()
        .filter(e -> spec.equals(wanted + e.flagKey()))
        .limit(limit)
        .forEach(e -> items.add(e.summary()));
    body.put("totalCount", items.size());
    return LocalLaunchDarkly.json(response, callback, 200, body.toString(), Map.of());
  }
}
