package dev.llmrollout.launchdarkly.fake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** One open event stream; writes are serialised because Jetty allows one pending write. */
final class SseStream {
  private final Response response;
  private final Callback callback;
  private boolean open = true;

  SseStream(Response response, Callback callback) {
    this.response = response;
    this.callback = callback;
  }

  synchronized boolean send(String event, String data) {
    if (!open) {
      return false;
    }
    String frame = "event: " + event + "\ndata: " + data + "\n\n";
    try {
      Content.Sink.write(response, false, ByteBuffer.wrap(frame.getBytes(StandardCharsets.UTF_8)));
      return true;
    } catch (IOException e) {
      drop();
      return false;
    }
  }

  synchronized void comment() {
    if (open) {
      try {
        Content.Sink.write(
            response, false, ByteBuffer.wrap(":\n".getBytes(StandardCharsets.UTF_8)));
      } catch (IOException e) {
        drop();
      }
    }
  }

  synchronized void drop() {
    if (open) {
      open = false;
      callback.failed(new IOException("stream dropped"));
    }
  }
}
