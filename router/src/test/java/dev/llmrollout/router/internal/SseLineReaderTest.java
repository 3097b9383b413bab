package dev.llmrollout.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, point 3: the stream's line reader keeps about 1 KiB instead of a {@code
 * BufferedReader}'s 24 KiB, and reads the same lines as {@code BufferedReader.readLine} over UTF-8
 * did (what the router read streams with before).
 */
class SseLineReaderTest {
  private static final byte[][] PIECES = {
    "data: ".getBytes(StandardCharsets.UTF_8),
    "{\"content\": \"é€😀\"}".getBytes(StandardCharsets.UTF_8),
    {'\n'},
    {'\r'},
    {'\r', '\n'},
    {(byte) 0xff},
    {(byte) 0xe2, (byte) 0x82},
    ": comment".getBytes(StandardCharsets.UTF_8),
    "x".repeat(1_500).getBytes(StandardCharsets.UTF_8),
  };

  @Test
  void readsTheLinesBufferedReaderReadsWhateverTheLineEndsAndHowTheBytesArrive()
      throws IOException {
    Random random = new Random(20);
    for (int sample = 0; sample < 2_000; sample++) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      int pieces = random.nextInt(12);
      for (int i = 0; i < pieces; i++) {
        body.writeBytes(PIECES[random.nextInt(PIECES.length)]);
      }
      byte[] bytes = body.toByteArray();
      int arrivalSize = 1 + random.nextInt(700);

      assertThat(lines(new SseLineReader(arriving(bytes, arrivalSize))))
          .as("sample %d, %d bytes arriving %d at a time", sample, bytes.length, arrivalSize)
          .isEqualTo(referenceLines(bytes));
    }
  }

  @Test
  void aLineEndsAtLfCrOrCrLfAndTheLastLineNeedsNoEnd() throws IOException {
    byte[] bytes = "a\nb\rc\r\n\r\nd".getBytes(StandardCharsets.UTF_8);

    assertThat(lines(new SseLineReader(arriving(bytes, 1))))
        .containsExactly("a", "b", "c", "", "d");
  }

  @Test
  void skippingToTheEndReadsTheWholeBody() throws IOException {
    ByteArrayInputStream in =
        new ByteArrayInputStream("data: [DONE]\n\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
    SseLineReader reader = new SseLineReader(in);

    assertThat(reader.readLine()).isEqualTo("data: [DONE]");
    reader.skipToEnd();

    assertThat(in.available()).isZero();
    assertThat(reader.readLine()).isNull();
  }

  private static List<String> lines(SseLineReader reader) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lines.add(line);
    }
    return lines;
  }

  private static List<String> referenceLines(byte[] bytes) throws IOException {
    BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lines.add(line);
    }
    return lines;
  }

  /** The body as a network delivers it: at most {@code size} bytes per read. */
  private static InputStream arriving(byte[] bytes, int size) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] into, int offset, int length) {
        return super.read(into, offset, Math.min(length, size));
      }
    };
  }
}
