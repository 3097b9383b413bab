package dev.llmrollout.benchmarks;

import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.EndpointsFile;
import dev.llmrollout.benchmarks.internal.FixedRateLoad;
import dev.llmrollout.benchmarks.internal.GatewayProcess;
import dev.llmrollout.benchmarks.internal.LoopbackModelEndpoint;
import dev.llmrollout.benchmarks.internal.ScratchDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Issue 20, point 5: where one non-streamed request through the gateway spends its CPU and its
 * allocations. The gateway runs under JFR's {@code profile} settings at a steady rate after a
 * warm-up; the report lists the heaviest allocation sites and CPU samples, each charged to the
 * frame that did the work and to the first frame of this project's code above it.
 *
 * <p>Usage: {@code GatewayProfile <llm-router.jar> <rate> <seconds> <recording.jfr>}
 */
public final class GatewayProfile {
  private static final int TOP = 25;

  private GatewayProfile() {}

  public static void main(String[] args) throws IOException {
    Path jar = Path.of(args[0]);
    int rate = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    Path recording = Path.of(args[3]).toAbsolutePath();
    try (ScratchDirectory directory = new ScratchDirectory("bench-profile");
        LoopbackModelEndpoint endpoint = LoopbackModelEndpoint.start(0)) {
      Path flags = BenchFlags.write(directory.resolve("flags.json"), BenchFlags.STABLE_JSON, 0);
      Path endpoints =
          EndpointsFile.write(directory.resolve("endpoints.json"), endpoint.baseUrl(), 4_096);
      FixedRateLoad load = new FixedRateLoad();
      AtomicLong session = new AtomicLong();
      long requests = (long) rate * seconds;
      long allocated;
      GatewayProcess.Jvm jvm =
          new GatewayProcess.Jvm(
              "java",
              List.of(
                  "-XX:StartFlightRecording=settings=profile,filename=" + recording,
                  "-XX:FlightRecorderOptions=stackdepth=96"));
      try (GatewayProcess gateway = new GatewayProcess(jvm, jar, flags, endpoints, 600)) {
        String url = gateway.completionsUrl();
        load.run(
            () -> GatewayOverhead.request(url, false, session.incrementAndGet()), rate, 20_000);
        long before = gateway.allocatedBytes();
        load.run(
            () -> GatewayOverhead.request(url, false, session.incrementAndGet()),
            rate,
            seconds * 1_000L);
        allocated = gateway.allocatedBytes() - before;
      }
      System.out.printf(
          Locale.ROOT,
          "allocated per request (steady, %d req/s): %.1f KiB%n",
          rate,
          allocated / 1024.0 / requests);
      summarize(recording);
    }
  }

  private static void summarize(Path recording) throws IOException {
    Map<String, Double> allocationBySite = new HashMap<>();
    Map<String, Double> allocationByOurFrame = new HashMap<>();
    Map<String, Double> cpuByFrame = new HashMap<>();
    Map<String, Double> cpuByOurFrame = new HashMap<>();
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (event.getStackTrace() == null) {
        continue;
      }
      List<RecordedFrame> frames = event.getStackTrace().getFrames();
      if (frames.isEmpty()) {
        continue;
      }
      String name = event.getEventType().getName();
      if (name.equals("jdk.ObjectAllocationSample")) {
        double weight = event.getLong("weight");
        String type = event.getClass("objectClass").getName();
        allocationBySite.merge(type + " at " + frame(frames.get(0)), weight, Double::sum);
        allocationByOurFrame.merge(ours(frames), weight, Double::sum);
      } else if (name.equals("jdk.ExecutionSample")) {
        cpuByFrame.merge(frame(frames.get(0)), 1.0, Double::sum);
        cpuByOurFrame.merge(ours(frames), 1.0, Double::sum);
      }
    }
    print("allocation (sampled bytes) by type and allocating frame", allocationBySite);
    print(
        "allocation (sampled bytes) by the first frame of this project's code",
        allocationByOurFrame);
    print("CPU samples by top frame", cpuByFrame);
    print("CPU samples by the first frame of this project's code", cpuByOurFrame);
  }

  private static String ours(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      if (frame.getMethod().getType().getName().startsWith("dev.llmrollout")) {
        return frame(frame);
      }
    }
    return "(no project frame: " + frame(frames.get(frames.size() - 1)) + ")";
  }

  private static String frame(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private static void print(String title, Map<String, Double> totals) {
    double sum = totals.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.println("== " + title + " (total " + Math.round(sum) + ")");
    totals.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(TOP)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT, "%6.2f%%  %s%n", 100 * e.getValue() / sum, e.getKey()));
  }
}
