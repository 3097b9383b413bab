package dev.llmrollout.launchdarkly.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A LaunchDarkly on 127.0.0.1 that speaks the server SDK's FDv1 streaming protocol and the REST API
 * v2's flag endpoints, over one flag store:
 *
 * <ul>
 *   <li>{@code GET /all}: server-sent events, {@code put} with every flag on connect, then {@code
 *       patch} and {@code delete} as flags change, each with a strictly higher version; the SDK key
 *       is checked in {@code Authorization} (raw, no scheme), anything else is a 401.
 *   <li>{@code GET /sdk/latest-all}: the polling payload.
 *   <li>{@code GET} and {@code PATCH /api/v2/flags/{project}/{flag}}: the flag in REST form, and
 *       JSON Patches (a failed {@code test} is a 409) or semantic patches (with {@code
 *       Content-Type: application/json; domain-model=launchdarkly.semanticpatch}) applied
 *       atomically, recorded with their comment in an audit log and pushed to every open stream. A
 *       patch that changes nothing changes no version and streams nothing. Refusals as {@code
 *       patchFeatureFlag} documents them: 405 where approvals are required, 400 for a change that
 *       conflicts with a pending scheduled change unless {@code ignoreConflicts=true}.
 *   <li>{@code POST /bulk} and {@code /diagnostic}: events, recorded.
 * </ul>
 *
 * <p>Faults for tests: dropped streams, a status (such as 401) for new stream requests, and
 * scripted REST answers (409, 429 with rate-limit headers, 5xx).
 */
public final class LocalLaunchDarkly implements AutoCloseable {
  private record Fault(String method, int status, Map<String, String> headers) {}

  private final String sdkKey;
  private final String writerToken;
  private final String readerToken;
  private final String project;
  private final String environment;
  private final Server server;
  private final ServerConnector connector;
  private final Object lock = new Object();
  private final Map<String, FakeFlag> flags = new HashMap<>();
  private final Map<String, Integer> deletedVersions = new HashMap<>();
  private final SdkStreams streams;
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final FakeAuditLog audit = new FakeAuditLog();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger patchRequests = new AtomicInteger();
  private final Set<String> pendingScheduledChanges = ConcurrentHashMap.newKeySet();
  private volatile boolean approvalsRequired;

  /**
   * Starts on an ephemeral loopback port.
   *
   * @param writerToken an access token that may read and write flags
   * @param readerToken an access token that may only read (a PATCH gets 403)
   */
  public LocalLaunchDarkly(
      String sdkKey, String writerToken, String readerToken, String project, String environment)
      throws Exception {
    this.sdkKey = sdkKey;
    this.streams = new SdkStreams(sdkKey);
    this.writerToken = writerToken;
    this.readerToken = readerToken;
    this.project = project;
    this.environment = environment;
    this.server = new Server();
    this.connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setIdleTimeout(600_000);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            return route(request, response, callback);
          }
        });
    server.start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  /** Creates or replaces a flag, as a console user would; open streams get a {@code patch}. */
  public FakeFlag publish(FakeFlag flag) {
    synchronized (lock) {
      FakeFlag current = flags.get(flag.key());
      int flagVersion = current == null ? flag.flagVersion() : current.flagVersion() + 1;
      FakeFlag stored =
          flag.withVersion(nextVersion(flag.key(), flag.version())).withFlagVersion(flagVersion);
      flags.put(stored.key(), stored);
      deletedVersions.remove(stored.key());
      streams.broadcast("patch", patchData(stored));
      return stored;
    }
  }

  /**
   * A flag-level edit (such as its description): the flag's {@code _version} moves, the
   * environment's version and the SDK's flag do not, and nothing is streamed.
   */
  private FakeFlag editSettings(FakeFlag edited) {
    FakeFlag stored = edited.withFlagVersion(edited.flagVersion() + 1);
    flags.put(stored.key(), stored);
    return stored;
  }

  /** Whether the environment requires approvals: every flag PATCH is then a 405. */
  public void requireApprovals(boolean required) {
    this.approvalsRequired = required;
  }

  /**
   * A scheduled change is pending on {@code flagKey}: a PATCH is a 400 unless it carries {@code
   * ignoreConflicts=true}.
   */
  public void scheduleChange(String flagKey) {
    pendingScheduledChanges.add(flagKey);
  }

  /** Deletes a flag; open streams get a {@code delete} with a higher version. */
  public void delete(String flagKey) {
    synchronized (lock) {
      int version = nextVersion(flagKey, 0);
      flags.remove(flagKey);
      deletedVersions.put(flagKey, version);
      streams.broadcast(
          "delete",
          FakeFlag.JSON
              .createObjectNode()
              .put("path", "/flags/" + flagKey)
              .put("version", version)
              .toString());
    }
  }

  public Optional<FakeFlag> flag(String flagKey) {
    synchronized (lock) {
      return Optional.ofNullable(flags.get(flagKey));
    }
  }

  /** Sends an SSE comment line, as LaunchDarkly's heartbeats are, to every open stream. */
  public void heartbeat() {
    streams.heartbeat();
  }

  /** Closes every open stream abruptly, as a network failure would. */
  public void dropStreams() {
    streams.dropAll();
  }

  /** New stream requests get {@code status} (0 serves the stream again). */
  public void answerStreamRequestsWith(int status) {
    streams.answerWith(status);
  }

  /** The next {@code times} REST calls with {@code method} get {@code status} and headers. */
  public void failRest(String method, int status, Map<String, String> headers, int times) {
    synchronized (faults) {
      for (int i = 0; i < times; i++) {
        faults.add(new Fault(method, status, headers));
      }
    }
  }

  public List<FakeAuditLog.Entry> auditLog() {
    return audit.entries();
  }

  /** Bodies posted to the events service. */
  public List<String> events() {
    return List.copyOf(events);
  }

  /** The {@code Authorization} header of every stream request. */
  public List<String> streamAuthorizations() {
    return streams.authorizations();
  }

  public int openStreams() {
    return streams.open();
  }

  /** Flag events ({@code patch}, {@code delete}) sent to the SDK streams so far. */
  public int streamedFlagEvents() {
    return streams.flagEvents();
  }

  public int patchRequests() {
    return patchRequests.get();
  }

  private int nextVersion(String flagKey, int wanted) {
    FakeFlag current = flags.get(flagKey);
    int floor = current != null ? current.version() : deletedVersions.getOrDefault(flagKey, 0);
    return Math.max(wanted, floor + 1);
  }

  private boolean route(Request request, Response response, Callback callback) throws IOException {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    if (path.equals("/all") && method.equals("GET")) {
      return streams.open(request, response, callback, lock, this::allData);
    }
    if (path.equals("/sdk/latest-all") && method.equals("GET")) {
      if (!sdkKey.equals(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
        return json(
            response,
            callback,
            401,
            "{\"code\":\"unauthorized\",\"message\":\"invalid SDK key\"}",
            Map.of());
      }
      synchronized (lock) {
        return json(response, callback, 200, allData().toString(), Map.of());
      }
    }
    if ((path.equals("/bulk") || path.equals("/diagnostic")) && method.equals("POST")) {
      events.add(Content.Source.asString(request, StandardCharsets.UTF_8));
      response.setStatus(202);
      callback.succeeded();
      return true;
    }
    if (path.startsWith("/api/v2/auditlog") && method.equals("GET")) {
      String token = request.getHeaders().get(HttpHeader.AUTHORIZATION);
      if (!writerToken.equals(token) && !readerToken.equals(token)) {
        return json(
            response,
            callback,
            401,
            new ApiError(401, "unauthorized", "Invalid access token").body(),
            Map.of());
      }
      return audit.answer(
          request, response, callback, "proj/" + project + ":env/" + environment + ":flag/");
    }
    String prefix = "/api/v2/flags/" + project + "/";
    if (path.startsWith(prefix)) {
      return rest(request, response, callback, method, path.substring(prefix.length()));
    }
    return json(
        response,
        callback,
        404,
        new ApiError(404, "not_found", "Unknown resource").body(),
        Map.of());
  }

  private ObjectNode allData() {
    ObjectNode data = FakeFlag.JSON.createObjectNode();
    ObjectNode flagsNode = data.putObject("flags");
    flags.values().forEach(f -> flagsNode.set(f.key(), f.sdkJson()));
    data.putObject("segments");
    return data;
  }

  private static String patchData(FakeFlag flag) {
    ObjectNode patch = FakeFlag.JSON.createObjectNode();
    patch.put("path", "/flags/" + flag.key());
    patch.set("data", flag.sdkJson());
    return patch.toString();
  }

  private boolean rest(
      Request request, Response response, Callback callback, String method, String flagKey)
      throws IOException {
    String body = Content.Source.asString(request, StandardCharsets.UTF_8);
    if (method.equals("PATCH")) {
      patchRequests.incrementAndGet();
    }
    String token = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    try {
      if (!writerToken.equals(token) && !readerToken.equals(token)) {
        throw new ApiError(401, "unauthorized", "Invalid access token");
      }
      Optional<Fault> fault = nextFault(method);
      if (fault.isPresent()) {
        String message = fault.get().status == 429 ? "Rate limit exceeded" : "Injected failure";
        String code =
            fault.get().status == 429
                ? "rate_limited"
                : fault.get().status == 409 ? "optimistic_locking_error" : "internal";
        return json(
            response,
            callback,
            fault.get().status,
            new ApiError(fault.get().status, code, message).body(),
            fault.get().headers);
      }
      return switch (method) {
        case "GET" ->
            json(response, callback, 200, read(flagKey).restJson(environment).toString(), Map.of());
        case "PATCH" -> {
          if (!writerToken.equals(token)) {
            throw new ApiError(403, "forbidden", "Access to the requested resource was denied");
          }
          yield json(
              response,
              callback,
              200,
              patch(request, flagKey, body).restJson(environment).toString(),
              Map.of());
        }
        default -> throw new ApiError(405, "method_not_allowed", "Method not allowed");
      };
    } catch (ApiError e) {
      return json(response, callback, e.status, e.body(), Map.of());
    }
  }

  private FakeFlag read(String flagKey) {
    synchronized (lock) {
      FakeFlag flag = flags.get(flagKey);
      if (flag == null) {
        throw new ApiError(404, "not_found", "Unknown resource");
      }
      return flag;
    }
  }

  private FakeFlag patch(Request request, String flagKey, String body) {
    String contentType = String.valueOf(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
    JsonNode patch;
    try {
      patch = FakeFlag.JSON.readTree(body);
    } catch (IOException e) {
      throw new ApiError(400, "invalid_request", "the body is not JSON");
    }
    if (approvalsRequired) {
      throw new ApiError(405, "method_not_allowed", "Method not allowed");
    }
    if (pendingScheduledChanges.contains(flagKey)
        && !"true".equals(Request.extractQueryParameters(request).getValue("ignoreConflicts"))) {
      throw new ApiError(
          400,
          "invalid_request",
          "this change conflicts with a pending scheduled change; pass ignoreConflicts=true to"
              + " apply it anyway");
    }
    boolean semantic =
        contentType.replace(" ", "").contains("domain-model=launchdarkly.semanticpatch");
    synchronized (lock) {
      FakeFlag before = read(flagKey);
      FakeFlag changed =
          semantic
              ? SemanticPatchApplier.apply(before, patch, environment)
              : JsonPatchApplier.apply(before, JsonPatchApplier.operations(patch), environment);
      if (changed.sameConfiguration(before)) {
        return before; // nothing changes: no version, no stream event, no audit entry
      }
      FakeFlag stored = changed.servesAs(before) ? editSettings(changed) : publish(changed);
      audit.add(
          new FakeAuditLog.Entry(
              UUID.randomUUID().toString(),
              System.currentTimeMillis(),
              flagKey,
              patch.path("comment").asText(""),
              semantic ? patch.path("instructions") : JsonPatchApplier.operations(patch),
              stored.version(),
              before.restJson(environment),
              stored.restJson(environment)));
      return stored;
    }
  }

  private Optional<Fault> nextFault(String method) {
    synchronized (faults) {
      Fault next = faults.peek();
      if (next != null && next.method.equals(method)) {
        return Optional.of(faults.poll());
      }
      return Optional.empty();
    }
  }

  static boolean json(
      Response response, Callback callback, int status, String body, Map<String, String> headers) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    headers.forEach((k, v) -> response.getHeaders().put(k, v));
    Content.Sink.write(response, true, body, callback);
    return true;
  }

  @Override
  public void close() {
    dropStreams();
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the local LaunchDarkly did not stop", e);
    }
  }
}
