package dev.llmrollout.router.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llm-router demo-endpoints}: the demo's two stand-in model endpoints, on the ports {@code
 * examples/endpoints.json} names, so that every README section can be followed without a model
 * provider. They speak OpenAI's chat completions and accept any API key.
 */
@Command(
    name = "demo-endpoints",
    description =
        "Serve the demo's stand-in model endpoints on loopback (stable on 9001, canary on 9002, as"
            + " in examples/endpoints.json) until stopped. The canary refuses payment questions"
            + " with order data pasted inline, unless --fixed-canary.",
    mixinStandardHelpOptions = true)
public final class DemoEndpointsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--stable-port", defaultValue = "9001", description = "Default 9001.")
  int stablePort;

  @Option(names = "--canary-port", defaultValue = "9002", description = "Default 9002.")
  int canaryPort;

  @Option(
      names = "--fixed-canary",
      description = "A canary without the payment regression (the 'fixed in 1.2.1' build).")
  boolean fixedCanary;

  @Option(names = "--json", description = "Print the endpoints' URLs as a JSON line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    // No short answers: an eval against these endpoints gives the same verdict every run.
    try (DemoModel stable =
            new DemoModel("support-llm-2025-06", 40, 0, prompt -> false, stablePort);
        DemoModel canary =
            new DemoModel(
                "support-llm-2025-09",
                30,
                0,
                prompt -> !fixedCanary && DemoTraffic.hasInlineOrderData(prompt),
                canaryPort)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "demo-endpoints-stop"));
      var out = spec.commandLine().getOut();
      if (json) {
        out.println(
            new ObjectMapper()
                .createObjectNode()
                .put("stable", stable.baseUrl())
                .put("canary", canary.baseUrl())
                .put("fixedCanary", fixedCanary));
      } else {
        out.printf(
            "demo endpoints: stable at %s, canary at %s%s (any API key works; Ctrl-C stops)%n",
            stable.baseUrl(), canary.baseUrl(), fixedCanary ? " (fixed)" : "");
      }
      out.flush();
      stopped.await();
    }
    return 0;
  }
}
