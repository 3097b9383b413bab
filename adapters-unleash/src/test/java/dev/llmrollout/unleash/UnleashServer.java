package dev.llmrollout.unleash;

import dev.llmrollout.unleash.testing.UnleashServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real Unleash server these tests share: started once per test JVM by {@code
 * .ci/unleash-server.sh} (which installs what is missing) and stopped when the JVM exits.
 */
final class UnleashServer {
  private static UnleashServerProcess shared;

  private UnleashServer() {}

  /** The server for this JVM, started on first use. */
  static synchronized UnleashServerProcess shared() throws Exception {
    if (shared == null) {
      Path module = Path.of("").toAbsolutePath();
      Path script = module.resolveSibling(".ci").resolve("unleash-server.sh");
      if (!Files.isExecutable(script)) {
        script = module.resolve(".ci").resolve("unleash-server.sh");
      }
      UnleashServerProcess server =
          UnleashServerProcess.start(script, module.resolve("target").resolve("unleash-server"));
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      shared = server;
    }
    return shared;
  }
}
