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

  /** The router's own default. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** A started client; the caller closes it if it is {@link AutoCloseable}. */
  abstract ModelTransport open(boolean virtualThreads);
}
