package dev.llmrollout.local.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive access to a file across processes (an OS lock on a sibling {@code .lock} file) and
 * threads (the OS lock is per process, so a JVM-wide lock guards it), plus an atomic replace.
 */
public final class LockedFile {
  private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private LockedFile() {}

  /** Work done while holding the lock. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws IOException;
  }

  public static <T> T withLock(Path file, Work<T> work) throws IOException {
    Path absolute = file.toAbsolutePath();
    ReentrantLock local = IN_PROCESS.computeIfAbsent(absolute, p -> new ReentrantLock());
    local.lock();
    try (FileChannel channel =
        FileChannel.open(
            absolute.resolveSibling(absolute.getFileName() + ".lock"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE)) {
      FileLock lock = channel.lock();
      try {
        return work.run();
      } finally {
        lock.release();
      }
    } finally {
      local.unlock();
    }
  }

  /**
   * Replaces {@code file} with {@code content}: a temporary file in the same folder, given the
   * file's permissions (a temporary file starts owner-only, and a flagd or a reviewer running as
   * another user must still read the flags), then a rename.
   */
  public static void replace(Path file, String content) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
    try {
      keepPermissions(absolute, temp);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(
            java.nio.ByteBuffer.wrap(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        channel.force(true);
      }
      Files.move(
          temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void keepPermissions(Path file, Path replacement) throws IOException {
    if (Files.exists(file)
        && Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(replacement, Files.getPosixFilePermissions(file));
    }
  }
}
