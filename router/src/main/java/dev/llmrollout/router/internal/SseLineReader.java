package dev.llmrollout.router.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a server-sent event stream, read from its bytes: a line ends at CR, LF or CRLF and
 * is decoded as UTF-8 with malformed bytes replaced, as {@code BufferedReader.readLine} over an
 * {@code InputStreamReader} reads them. A slow stream keeps its reader for its whole length, and
 * those two keep 24 KiB of buffers whatever the lines' length (16 KiB of chars, and 8 KiB of bytes
 * in the decoder, which no constructor sizes); this reader keeps about 1 KiB (issue 20: thousands
 * of open streams through one gateway).
 */
final class SseLineReader {
  private static final int READ_BYTES = 512;

  /** Room for one OpenAI chunk event; a longer line grows the buffer for as long as it lasts. */
  private static final int LINE_BYTES = 512;

  private final InputStream in;
  private final byte[] buffer = new byte[READ_BYTES];
  private int position;
  private int limit;
  private byte[] line = new byte[LINE_BYTES];
  private int length;

  /** The previous line ended at CR: an LF right after it ends nothing more. */
  private boolean skipLineFeed;

  SseLineReader(InputStream in) {
    this.in = in;
  }

  /** The next line without its end, or null at the end of the stream. */
  String readLine() throws IOException {
    length = 0;
    while (true) {
      if (position == limit && !fill()) {
        return length > 0 ? take() : null;
      }
      byte next = buffer[position++];
      if (skipLineFeed) {
        skipLineFeed = false;
        if (next == '\n') {
          continue;
        }
      }
      if (next == '\n') {
        return take();
      }
      if (next == '\r') {
        skipLineFeed = true;
        return take();
      }
      if (length == line.length) {
        line = Arrays.copyOf(line, line.length * 2);
      }
      line[length++] = next;
    }
  }

  /** Reads and drops the rest of the stream. */
  void skipToEnd() throws IOException {
    position = limit;
    while (in.read(buffer) >= 0) {
      // What follows carries nothing the caller needs.
    }
  }

  private boolean fill() throws IOException {
    int read;
    do {
      read = in.read(buffer);
    } while (read == 0);
    position = 0;
    limit = Math.max(read, 0);
    return read > 0;
  }

  private String take() {
    String text = new String(line, 0, length, StandardCharsets.UTF_8);
    if (line.length > LINE_BYTES) {
      line = new byte[LINE_BYTES];
    }
    return text;
  }
}
