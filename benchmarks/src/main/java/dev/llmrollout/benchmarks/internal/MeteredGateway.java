package dev.llmrollout.benchmarks.internal;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@code llm-router serve} in this JVM (the launcher's own {@code main}, from the jar on the
 * class path) next to a loopback counters page: the JVM's total allocated bytes, so a benchmark can
 * charge allocation per request to the gateway without JMX. The page is read only between measured
 * phases; its JDK HttpServer has one thread that is idle otherwise.
 *
 * <p>Prints {@code counters on http://127.0.0.1:PORT/counters} before the gateway's own output.
 */
public final class MeteredGateway {
  static final String COUNTERS_LINE = "counters on ";
  private static final String LAUNCHER = "dev.llmrollout.router.cli.LlmRouterCommand";

  private MeteredGateway() {}

  public static void main(String[] args) throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/counters",
        exchange -> {
          byte[] body = counters().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    System.out.println(
        COUNTERS_LINE + "http://127.0.0.1:" + server.getAddress().getPort() + "/counters");
    System.out.flush();
    try {
      Class.forName(LAUNCHER).getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw new IOException("llm-router failed", e.getCause());
    }
  }

  /** {@code allocatedBytes heapUsedBytes}, one line. */
  private static String counters() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    return threads.getTotalThreadAllocatedBytes()
        + " "
        + memory.getHeapMemoryUsage().getUsed()
        + "\n";
  }
}
