package dev.llmrollout.benchmarks.internal;

import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Where a benchmark sends its load: a name, the chat completions URL and, for a proxy in a process
 * of its own, that process's CPU time and (for a JVM) allocated bytes so far.
 *
 * @param cpuNanos the proxy process's CPU time so far; empty for the endpoint itself, whose CPU is
 *     shared with the load driver's JVM
 * @param allocatedBytes the proxy JVM's allocated bytes so far; empty where there is no JVM
 */
public record LoadTarget(
    String name, String url, LongSupplier cpuNanos, LongSupplier allocatedBytes) {
  private static final LongSupplier NONE = () -> -1;

  /** The model endpoint itself: no proxy, no counters. */
  public static LoadTarget direct(String url) {
    return new LoadTarget("direct", url, NONE, NONE);
  }

  /** A proxy measured by its process's CPU only. */
  public static LoadTarget process(String name, String url, LongSupplier cpuNanos) {
    return new LoadTarget(name, url, cpuNanos, NONE);
  }

  /** The gateway: CPU from /proc and allocated bytes from its JVM. */
  public static LoadTarget gateway(GatewayProcess gateway) {
    return new LoadTarget(
        "gateway", gateway.completionsUrl(), gateway::cpuNanos, gateway::allocatedBytes);
  }

  /** CPU so far, if this target has a process of its own. */
  public OptionalLong cpu() {
    long value = cpuNanos.getAsLong();
    return value < 0 ? OptionalLong.empty() : OptionalLong.of(value);
  }

  /** Allocated bytes so far, if this target is a JVM of its own. */
  public OptionalLong allocated() {
    long value = allocatedBytes.getAsLong();
    return value < 0 ? OptionalLong.empty() : OptionalLong.of(value);
  }
}
