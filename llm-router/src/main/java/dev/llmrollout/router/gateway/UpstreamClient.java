package dev.llmrollout.router.gateway;

import dev.llmrollout.router.ModelTransport;
import java.net.http.HttpClient;
import java.time.Duration;
import org.eclipse.jetty.util.VirtualThreads;

/** The HTTP client the gateway's model calls go out on ({@code serve --upstream-client}). */
public enum UpstreamClient {
  /** The JDK's HttpClient, the router library's default. */
  JDK {
    /**
     * Where the JVM has virtual threads and the gateway runs on them, the client hands its work
     * (delivering response bytes, completing calls) to virtual threads instead of its default
     * cached pool, which grows a platform thread per concurrent task: with thousands of streams in
     * flight that pool alone would hold hundreds of threads.
     */
    @Override
    ModelTransport open(boolean virtualThreads) {
      HttpClient.Builder client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(CONNECT_TIMEOUT);
      if (virtualThreads && VirtualThreads.areSupported()) {
        client.executor(VirtualThreads.getNamedVirtualThreadsExecutor("model-client"));
      }
      return ModelTransport.jdk(client.build());
    }
  },

  /** Jetty's non-blocking HttpClient, on the same I/O library as the gateway's server. */
  JETTY {
    @Override
    ModelTransport open(boolean virtualThreads) {
      return JettyModelTransport.start(CONNECT_TIMEOUT);
    }
  };

  /**
   * The JDK client's read buffer per connection (its {@code jdk.httpclient.bufsize}, 16 KiB by
   * default), which a connection keeps while it waits for more bytes: a slow stream keeps it for
   * its whole length, so 16 KiB was a third of what one open stream cost the gateway (issue 20). An
   * event of a streamed answer is a few hundred bytes; a larger body is read in more reads.
   */
  static final int JDK_READ_BUFFER_BYTES = 2_048;

  /**
   * Sizes the JDK client's read buffers for the process, unless {@code -Djdk.httpclient.bufsize}
   * sizes them already. The JDK reads the property once, when the first JDK client is built: call
   * this before anything builds one (a flag backend's REST client may).
   */
  public static void sizeJdkReadBuffers() {
    if (System.getProperty("jdk.httpclient.bufsize") == null) {
      System.setProperty("jdk.httpclient.bufsize", Integer.toString(JDK_READ_BUFFER_BYTES));
    }
  }

  /** The router's own default. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** A started client; the caller closes it if it is {@link AutoCloseable}. */
  abstract ModelTransport open(boolean virtualThreads);
}
