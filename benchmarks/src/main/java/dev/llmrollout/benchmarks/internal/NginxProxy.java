package dev.llmrollout.benchmarks.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx as the reverse proxy users already run for a canary: {@code split_clients} sends
 * 95% of sessions ({@code X-Session-Id}, the gateway's targeting key) to one upstream and 5% to
 * another, both ports of the same loopback model endpoint, with kept-alive upstream connections and
 * no response buffering (server-sent events pass through as they come). Started on loopback with a
 * generated configuration in the given directory, in the foreground, and stopped on close.
 */
public final class NginxProxy implements AutoCloseable {
  /** Where Debian's package puts the binary. */
  public static final Path BINARY = Path.of("/usr/sbin/nginx");

  private final Process process;
  private final int port;

  private NginxProxy(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Writes the configuration into {@code directory}, starts nginx and waits until it accepts.
   *
   * @throws IllegalStateException naming what is missing or what nginx said, if it cannot start
   */
  public static NginxProxy start(Path directory, String stableUpstream, String canaryUpstream) {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing (benchmarks/run.sh installs it: apt-get install -y nginx-light)");
    }
    try {
      int port = freePort();
      Path conf = directory.resolve("nginx.conf");
      Files.writeString(conf, configuration(directory, port, stableUpstream, canaryUpstream));
      Path log = directory.resolve("nginx-error.log");
      Process process =
          new ProcessBuilder(
                  List.of(
                      BINARY.toString(),
                      "-p",
                      directory.toString(),
                      "-c",
                      conf.toString(),
                      "-e",
                      log.toString()))
              .redirectErrorStream(true)
              .redirectOutput(directory.resolve("nginx-stdout.log").toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!accepts(port)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException(
              "nginx did not start: " + (Files.exists(log) ? Files.readString(log).trim() : ""));
        }
        Thread.sleep(50);
      }
      return new NginxProxy(process, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start nginx", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while nginx started", e);
    }
  }

  /** {@code nginx -v}'s answer, such as {@code nginx version: nginx/1.22.1}. */
  public static String version() {
    try {
      Process v = new ProcessBuilder(BINARY.toString(), "-v").redirectErrorStream(true).start();
      String out = new String(v.getInputStream().readAllBytes()).trim();
      v.waitFor();
      return out;
    } catch (IOException e) {
      return "(unknown)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(unknown)";
    }
  }

  /** The chat completions URL through nginx. */
  public String completionsUrl() {
    return "http://127.0.0.1:" + port + "/v1/chat/completions";
  }

  /** CPU time of the master and its workers so far, in ns. */
  public long cpuNanos() {
    return ProcessCpu.nanos(process.pid());
  }

  private static String configuration(
      Path directory, int port, String stableUpstream, String canaryUpstream) {
    // As root, nginx would switch its workers to "nobody", who cannot enter the scratch directory.
    String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
    return user
        + "worker_processes auto;\n"
        + "daemon off;\n"
        + "pid "
        + directory.resolve("nginx.pid")
        + ";\n"
        + "error_log "
        + directory.resolve("nginx-error.log")
        + " warn;\n"
        + "events { worker_connections 16384; }\n"
        + "http {\n"
        + "  access_log off;\n"
        + "  client_body_temp_path "
        + directory.resolve("nginx-body")
        + ";\n"
        + "  proxy_temp_path "
        + directory.resolve("nginx-proxy")
        + ";\n"
        + "  fastcgi_temp_path "
        + directory.resolve("nginx-fastcgi")
        + ";\n"
        + "  uwsgi_temp_path "
        + directory.resolve("nginx-uwsgi")
        + ";\n"
        + "  scgi_temp_path "
        + directory.resolve("nginx-scgi")
        + ";\n"
        + "  split_clients \"${http_x_session_id}\" $model_upstream {\n"
        + "    95% stable;\n"
        + "    * canary;\n"
        + "  }\n"
        + "  upstream stable { server "
        + hostPort(stableUpstream)
        + "; keepalive 256; }\n"
        + "  upstream canary { server "
        + hostPort(canaryUpstream)
        + "; keepalive 256; }\n"
        + "  server {\n"
        + "    listen 127.0.0.1:"
        + port
        + ";\n"
        + "    keepalive_requests 1000000;\n"
        + "    location / {\n"
        + "      proxy_pass http://$model_upstream;\n"
        + "      proxy_http_version 1.1;\n"
        + "      proxy_set_header Connection \"\";\n"
        + "      proxy_buffering off;\n"
        + "      proxy_read_timeout 120s;\n"
        + "    }\n"
        + "  }\n"
        + "}\n";
  }

  private static String hostPort(String baseUrl) {
    return baseUrl.replaceFirst("^http://", "").replaceAll("/+$", "");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
