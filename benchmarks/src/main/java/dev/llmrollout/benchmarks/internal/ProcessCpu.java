package dev.llmrollout.benchmarks.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of a process and its child processes, read from {@code /proc} as pidstat does: user plus
 * system time of every thread. The same reading for the gateway's JVM and for nginx's master and
 * workers, so their CPU per request compares like for like. Resolution: one clock tick (10 ms).
 */
public final class ProcessCpu {
  private static final long NANOS_PER_TICK = 1_000_000_000L / clockTicksPerSecond();

  private ProcessCpu() {}

  /** User plus system CPU time of {@code pid} and its children (not grandchildren), in ns. */
  public static long nanos(long pid) {
    long ticks = ticks(pid);
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (name.chars().allMatch(Character::isDigit) && parent(entry) == pid) {
          ticks += ticks(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ticks * NANOS_PER_TICK;
  }

  /** Busy and total jiffies of the whole machine (all cores), from {@code /proc/stat}. */
  public static long[] machineJiffies() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long ticks(long pid) {
    String[] fields = statFields(Path.of("/proc", Long.toString(pid)));
    // After "pid (comm)": state is field 3, utime field 14, stime field 15 (1-based).
    return fields.length < 13 ? 0 : Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static long parent(Path process) {
    String[] fields = statFields(process);
    return fields.length < 2 ? -1 : Long.parseLong(fields[1]);
  }

  /** The stat fields after the command name (which may hold spaces), or none if it is gone. */
  private static String[] statFields(Path process) {
    try {
      String stat = Files.readString(process.resolve("stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException e) {
      return new String[0];
    }
  }

  private static long clockTicksPerSecond() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
      String out = new String(getconf.getInputStream().readAllBytes()).trim();
      return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
