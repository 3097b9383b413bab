package dev.llmrollout.router.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * Where {@code serve} and {@code guard} listen and how they say so, declared once for both; each
 * command gives its own default port.
 */
final class ListenOptions {
  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Port (default 8080 for serve, 8081 for guard; 0 picks one).")
  Integer port;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDRESS",
      description = "Address (default 127.0.0.1).")
  String bind;

  @Option(names = "--json", description = "Print the listening address as a JSON line.")
  boolean json;

  /** The port given, or the command's own default. */
  int port(int commandDefault) {
    return port == null ? commandDefault : port;
  }

  /**
   * Prints where the server listens: {@code "<name> listening on <url><detail>"}, or with {@code
   * --json} one JSON line of {@code "listening"} and {@code fields}.
   */
  void announce(
      PrintWriter out, InetSocketAddress address, String name, String detail, ObjectNode fields) {
    String url = "http://" + address.getHostString() + ":" + address.getPort();
    ObjectNode line = GatewayAdminClient.json().createObjectNode().put("listening", url);
    line.setAll(fields);
    out.println(json ? line.toString() : name + " listening on " + url + detail);
    out.flush();
  }
}
