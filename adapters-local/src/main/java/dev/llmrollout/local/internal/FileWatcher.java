package dev.llmrollout.local.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when a file changes: the OS's file watching for speed, plus a modification-time poll
 * for file systems where watching misses events. Bursts of events (an editor truncating then
 * writing) are debounced so that a half-written file is not read.
 */
public final class FileWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);
  private static final Duration DEBOUNCE = Duration.ofMillis(20);

  private final Path file;
  private final Runnable onChange;
  private final ScheduledExecutorService scheduler;
  private final WatchService watchService;
  private final Thread watchThread;
  private ScheduledFuture<?> pending;
  private FileStamp lastSeen;

  /**
   * Starts watching.
   *
   * @param useWatchService false to rely on polling alone (network file systems where the OS
   *     reports no events)
   */
  public FileWatcher(Path file, Duration pollInterval, boolean useWatchService, Runnable onChange)
      throws IOException {
    this.file = file.toAbsolutePath();
    this.onChange = onChange;
    this.lastSeen = FileStamp.of(this.file);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "flags-file-reload " + this.file.getFileName()));
    if (useWatchService) {
      this.watchService = FileSystems.getDefault().newWatchService();
      this.file
          .getParent()
          .register(
              watchService,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE);
      this.watchThread = daemon(this::watch, "flags-file-watch " + this.file.getFileName());
      watchThread.start();
    } else {
      this.watchService = null;
      this.watchThread = null;
    }
    long pollMillis = pollInterval.toMillis();
    scheduler.scheduleWithFixedDelay(this::poll, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  private void watch() {
    try {
      while (true) {
        WatchKey key = watchService.take();
        for (WatchEvent<?> event : key.pollEvents()) {
          if (event.context() instanceof Path changed && changed.equals(file.getFileName())) {
            scheduleReload();
          } else if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
            scheduleReload();
          }
        }
        key.reset();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void scheduleReload() {
    if (pending != null) {
      pending.cancel(false);
    }
    if (!scheduler.isShutdown()) {
      pending = scheduler.schedule(this::fire, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void poll() {
    if (!Objects.equals(FileStamp.of(file), lastSeen)) {
      fire();
    }
  }

  private void fire() {
    lastSeen = FileStamp.of(file);
    try {
      onChange.run();
    } catch (RuntimeException e) {
      LOG.warn("reloading {} failed", file, e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    if (watchService == null) {
      return;
    }
    try {
      watchService.close();
    } catch (IOException e) {
      LOG.debug("closing the watch service of {}", file, e);
    }
    watchThread.interrupt();
  }

  /** Modification time and size: cheap to read, and a change in either means a new file. */
  private record FileStamp(FileTime modified, long size) {
    static FileStamp of(Path file) {
      try {
        return new FileStamp(Files.getLastModifiedTime(file), Files.size(file));
      } catch (IOException e) {
        return null;
      }
    }
  }
}
