package dev.llmrollout.appconfig.fake;

import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * A local AWS AppConfig on 127.0.0.1: the AppConfigData and AppConfig control-plane operations the
 * adapter uses, in their REST-JSON wire format, for the real AWS SDK clients to talk to through
 * {@code endpointOverride}. Requests must carry a SigV4 {@code Authorization} header for the
 * configured access key. Test hooks inject failures, expire tokens, move the deployment clock and
 * fire a CloudWatch alarm.
 */
public final class LocalAppConfig implements AutoCloseable {
  /** Which API a request went to. */
  public enum Plane {
    DATA,
    CONTROL
  }

  /** A request as received, for assertions. */
  public record Recorded(
      Plane plane,
      String method,
      String path,
      Map<String, String> query,
      Map<String, String> headers,
      String body) {}

  private record Fault(
      Plane plane,
      String method,
      java.util.regex.Pattern path,
      int status,
      String type,
      String body) {
    boolean matches(Plane plane, String method, String path) {
      return this.plane == plane
          && (this.method == null || this.method.equals(method))
          && (this.path == null || this.path.matcher(path).matches());
    }
  }

  /** IAM users by access key: the actions their policy does not allow. */
  private final Map<String, Identity> identities = new java.util.concurrent.ConcurrentHashMap<>();

  private record Identity(String userName, java.util.Set<String> denied) {}

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
  private final FakeAppConfigState state = new FakeAppConfigState(clock);
  private final FakeSessions sessions = new FakeSessions(clock);
  private final DataPlaneRoutes data;
  private final ControlPlaneRoutes control = new ControlPlaneRoutes(state);
  private final List<Fault> faults = new java.util.ArrayList<>();
  private final List<Fault> hookMatchers = new java.util.ArrayList<>();
  private final List<Runnable> hooks = new java.util.ArrayList<>();
  private final List<Fault> lostAnswers = new java.util.ArrayList<>();
  private final Map<Plane, Fault> outages = new HashMap<>();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final Server server = new Server();

  /**
   * Starts the server on an ephemeral loopback port.
   *
   * @param accessKeyId the access key the clients must sign with
   * @param pollIntervalSeconds the poll interval handed to sessions (AppConfig's default is 60)
   */
  public LocalAppConfig(String accessKeyId, int pollIntervalSeconds) throws Exception {
    identities.put(
        accessKeyId,
        new Identity("llm-rollout-test", java.util.concurrent.ConcurrentHashMap.newKeySet()));
    this.data = new DataPlaneRoutes(state, sessions, pollIntervalSeconds);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Routes());
    server.start();
  }

  public URI endpoint() {
    return URI.create(
        "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
  }

  public String createApplication(String name) {
    return state.createApplication(name);
  }

  public String createEnvironment(String applicationId, String name) {
    return state.createEnvironment(applicationId, name);
  }

  /** Creates a profile of type {@code AWS.AppConfig.FeatureFlags} or {@code AWS.Freeform}. */
  public String createProfile(String applicationId, String name, boolean featureFlags) {
    return state.createProfile(
        applicationId, name, featureFlags ? FeatureFlagsDocument.TYPE : "AWS.Freeform");
  }

  public MutableClock clock() {
    return clock;
  }

  /** The next {@code count} requests to {@code plane} fail with this status and error type. */
  public synchronized void failNext(Plane plane, int count, int status, String errorType) {
    for (int i = 0; i < count; i++) {
      faults.add(new Fault(plane, null, null, status, errorType, null));
    }
  }

  /**
   * The next {@code count} control-plane requests with this method and a path matching {@code
   * pathRegex} fail with this status, error type and JSON body (null for just a message).
   */
  public synchronized void failNext(
      String method, String pathRegex, int count, int status, String errorType, String jsonBody) {
    for (int i = 0; i < count; i++) {
      faults.add(
          new Fault(
              Plane.CONTROL,
              method,
              java.util.regex.Pattern.compile(pathRegex),
              status,
              errorType,
              jsonBody));
    }
  }

  /**
   * Runs {@code action} just before the next control-plane request with this method and a path
   * matching {@code pathRegex} is handled: what happened between a client's read and its write.
   */
  public synchronized void beforeNext(String method, String pathRegex, Runnable action) {
    hookMatchers.add(
        new Fault(
            Plane.CONTROL, method, java.util.regex.Pattern.compile(pathRegex), 0, null, null));
    hooks.add(action);
  }

  private synchronized Optional<Runnable> hook(Plane plane, String method, String path) {
    for (int i = 0; i < hooks.size(); i++) {
      if (hookMatchers.get(i).matches(plane, method, path)) {
        hookMatchers.remove(i);
        return Optional.of(hooks.remove(i));
      }
    }
    return Optional.empty();
  }

  /**
   * The next control-plane request with this method and a path matching {@code pathRegex} is
   * carried out, but its answer is lost: the client gets a 500 InternalServerException instead.
   */
  public synchronized void loseNextAnswer(String method, String pathRegex) {
    lostAnswers.add(
        new Fault(
            Plane.CONTROL,
            method,
            java.util.regex.Pattern.compile(pathRegex),
            500,
            "InternalServerException",
            null));
  }

  private synchronized Optional<Fault> lostAnswer(Plane plane, String method, String path) {
    for (java.util.Iterator<Fault> it = lostAnswers.iterator(); it.hasNext(); ) {
      Fault lost = it.next();
      if (lost.matches(plane, method, path)) {
        it.remove();
        return Optional.of(lost);
      }
    }
    return Optional.empty();
  }

  /** Every request to {@code plane} fails with 500 until {@link #recover}. */
  public synchronized void outage(Plane plane) {
    outages.put(plane, new Fault(plane, null, null, 500, "InternalServerException", null));
  }

  public synchronized void recover(Plane plane) {
    outages.remove(plane);
  }

  /**
   * The signing identity's IAM policy no longer allows {@code action} (for example {@code
   * appconfig:CreateHostedConfigurationVersion}): such requests get 403 AccessDeniedException with
   * IAM's message naming the identity, the action and the resource.
   */
  public void deny(String action) {
    identities.values().forEach(identity -> identity.denied().add(action));
  }

  /**
   * Another IAM user, signing with {@code accessKeyId}, whose policy does not allow {@code denied}
   * (as {@link #deny}): a read-only operator, say.
   */
  public void addIdentity(String accessKeyId, String userName, String... denied) {
    java.util.Set<String> actions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    actions.addAll(List.of(denied));
    identities.put(accessKeyId, new Identity(userName, actions));
  }

  /** Each new deployment spends {@code time} of the fake's clock in VALIDATING. */
  public void validationTime(java.time.Duration time) {
    state.validationTime(time);
  }

  /** A stopped deployment spends {@code time} of the fake's clock in ROLLING_BACK. */
  public void rollbackTime(java.time.Duration time) {
    state.rollbackTime(time);
  }

  /** Every live configuration token expires, as 24 hours after it was issued. */
  public void expireTokens() {
    sessions.expireAll();
  }

  public void enforcePollInterval(boolean enforce) {
    sessions.enforcePollInterval(enforce);
  }

  public void pollIntervalSeconds(int seconds) {
    data.pollIntervalSeconds(seconds);
  }

  /** A monitor's CloudWatch alarm goes into ALARM: the deployment in progress rolls back. */
  public Optional<Integer> fireAlarm(String applicationId, String environmentId) {
    return state.alarm(applicationId, environmentId).map(d -> d.number);
  }

  /** State of a deployment, as GetDeployment would report it now. */
  public String deploymentState(String applicationId, String environmentId, int number) {
    return state.deployment(applicationId, environmentId, number).state();
  }

  /** Deployments of an environment, newest first: number, version, state, description. */
  public List<DeploymentView> deployments(String applicationId, String environmentId) {
    return state.deployments(applicationId, environmentId).stream()
        .map(
            d ->
                new DeploymentView(
                    d.number,
                    d.version,
                    d.state(),
                    d.strategy.id(),
                    d.description,
                    d.toJson().toString()))
        .toList();
  }

  /** A deployment as a test sees it. */
  public record DeploymentView(
      int number, int version, String state, String strategyId, String description, String json) {}

  /** The content of a hosted version. */
  public byte[] hostedContent(String applicationId, String profileId, int version) {
    return state.version(applicationId, profileId, version).content();
  }

  public List<Recorded> requests() {
    return List.copyOf(requests);
  }

  private synchronized Optional<Fault> fault(Plane plane, String method, String path) {
    for (java.util.Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
      Fault fault = it.next();
      if (fault.matches(plane, method, path)) {
        it.remove();
        return Optional.of(fault);
      }
    }
    return Optional.ofNullable(outages.get(plane));
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the local AppConfig did not stop", e);
    }
  }

  private final class Routes extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      Map<String, String> headers = new HashMap<>();
      for (HttpField field : request.getHeaders()) {
        headers.put(field.getName().toLowerCase(Locale.ROOT), field.getValue());
      }
      Map<String, String> query = new HashMap<>();
      Fields fields = Request.extractQueryParameters(request);
      fields.forEach(f -> query.put(f.getName(), f.getValue()));
      byte[] body;
      try (InputStream in = Request.asInputStream(request)) {
        body = in.readAllBytes();
      }
      String path = request.getHttpURI().getDecodedPath();
      FakeExchange exchange = new FakeExchange(request.getMethod(), path, query, headers, body);
      Plane plane = path.startsWith("/configuration") ? Plane.DATA : Plane.CONTROL;
      requests.add(
          new Recorded(
              plane,
              request.getMethod(),
              path,
              Map.copyOf(query),
              Map.copyOf(headers),
              exchange.text()));
      try {
        Identity identity = authorize(exchange);
        if (plane == Plane.CONTROL) {
          checkPolicy(exchange, identity);
        }
        Optional<Fault> fault = fault(plane, request.getMethod(), path);
        if (fault.isPresent()) {
          throw AwsError.injected(fault.get().status(), fault.get().type(), fault.get().body());
        }
        hook(plane, request.getMethod(), path).ifPresent(Runnable::run);
        boolean routed = plane == Plane.DATA ? data.handle(exchange) : control.handle(exchange);
        if (!routed) {
          throw new AwsError(404, "UnknownOperationException", "No such operation: " + path);
        }
        Optional<Fault> lost = lostAnswer(plane, request.getMethod(), path);
        if (lost.isPresent()) {
          throw AwsError.injected(lost.get().status(), lost.get().type(), null);
        }
      } catch (AwsError e) {
        exchange.responseHeaders.clear();
        exchange.error(e);
      }
      response.setStatus(exchange.status);
      exchange.responseHeaders.forEach((k, v) -> response.getHeaders().put(k, v));
      response.write(true, ByteBuffer.wrap(exchange.responseBody), callback);
      return true;
    }

    private void checkPolicy(FakeExchange exchange, Identity identity) {
      String action = ControlPlaneRoutes.action(exchange);
      if (identity.denied().contains(action)) {
        String resource =
            "arn:aws:appconfig:us-east-1:000000000000:"
                + String.join("/", java.util.Arrays.copyOf(exchange.segments, 2));
        throw new AwsError(
            403,
            "AccessDeniedException",
            "User: arn:aws:iam::000000000000:user/"
                + identity.userName()
                + " is not authorized to perform: "
                + action
                + " on resource: "
                + resource
                + " because no identity-based policy allows the "
                + action
                + " action");
      }
    }

    /** The identity whose access key signed the request (SigV4 {@code Credential=key/...}). */
    private Identity authorize(FakeExchange exchange) {
      String authorization = exchange.header("Authorization");
      String prefix = "AWS4-HMAC-SHA256 Credential=";
      if (authorization != null && authorization.startsWith(prefix)) {
        int slash = authorization.indexOf('/', prefix.length());
        Identity identity =
            slash < 0 ? null : identities.get(authorization.substring(prefix.length(), slash));
        if (identity != null) {
          return identity;
        }
      }
      throw new AwsError(
          403,
          "UnrecognizedClientException",
          "The security token included in the request is invalid.");
    }
  }
}
