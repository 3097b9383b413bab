package dev.llmrollout.launchdarkly.fake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The server SDK's FDv1 stream ({@code GET /all}) of the local LaunchDarkly: a {@code put} with
 * every flag on connect, then events to every open stream; the SDK key checked in {@code
 * Authorization}; faults (a status for new stream requests, dropped streams).
 */
final class SdkStreams {
  private final String sdkKey;
  private final List<SseStream> streams = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger flagEvents = new AtomicInteger();
  private volatile int status;

  SdkStreams(String sdkKey) {
    this.sdkKey = sdkKey;
  }

  /**
   * Opens a stream. {@code allData} is read while holding {@code lock}, so that no event is sent
   * between the {@code put} and the stream joining the broadcast list.
   */
  boolean open(
      Request request,
      Response response,
      Callback callback,
      Object lock,
      Supplier<ObjectNode> allData) {
    authorizations.add(String.valueOf(request.getHeaders().get(HttpHeader.AUTHORIZATION)));
    int answer = status;
    if (answer == 0 && !sdkKey.equals(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
      answer = 401;
    }
    if (answer != 0) {
      response.setStatus(answer);
      callback.succeeded();
      return true;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    SseStream stream = new SseStream(response, callback);
    synchronized (lock) {
      ObjectNode put = FakeFlag.JSON.createObjectNode();
      put.put("path", "/");
      put.set("data", allData.get());
      if (stream.send("put", put.toString())) {
        streams.add(stream);
      }
    }
    return true;
  }

  /** Sends {@code event} (a {@code patch} or {@code delete}) to every open stream. */
  void broadcast(String event, String data) {
    flagEvents.incrementAndGet();
    for (SseStream stream : streams) {
      if (!stream.send(event, data)) {
        streams.remove(stream);
      }
    }
  }

  void heartbeat() {
    streams.forEach(SseStream::comment);
  }

  void dropAll() {
    streams.forEach(SseStream::drop);
    streams.clear();
  }

  void answerWith(int newStatus) {
    this.status = newStatus;
  }

  List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  int open() {
    return streams.size();
  }

  /** Flag events ({@code patch}, {@code delete}) broadcast so far. */
  int flagEvents() {
    return flagEvents.get();
  }
}
