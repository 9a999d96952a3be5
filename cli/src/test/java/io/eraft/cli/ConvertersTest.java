package io.eraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {
  @ParameterizedTest
  @CsvSource({"500ms, PT0.5S, 500ms", "5s, PT5S, 5s", "2m, PT2M, 2m", "1h, PT1H, 60m", "PT0.25S, PT0.25S, 250ms",
      "1000ms, PT1S, 1s", "0, PT0S, 0ms", "0s, PT0S, 0ms", "-1s, PT-1S, -1s", "-250ms, PT-0.25S, -250ms"})
  void durationsReadAndPrint(String text, String iso, String shortest) {
    Duration d = new DurationConverter().convert(text);
    assertEquals(Duration.parse(iso), d);
    assertEquals(shortest, DurationConverter.format(d));
    assertEquals(d, new DurationConverter().convert(DurationConverter.format(d)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "", "ms", "1.5s", "--1s", "-5"})
  void badDurationsAreRefusedWithAnExample(String text) {
    TypeConversionException e = assertThrows(TypeConversionException.class, () -> new DurationConverter().convert(text));
    assertEquals("'" + text + "' is not a duration: write e.g. 500ms, 5s or 2m", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"1048576, 1048576, 1MiB", "64MiB, 67108864, 64MiB", "512kib, 524288, 512KiB", "1GiB, 1073741824, 1GiB",
      "1000, 1000, 1000", "0, 0, 0"})
  void sizesReadAndPrint(String text, long bytes, String shortest) {
    assertEquals(bytes, new ByteSizeConverter().convert(text));
    assertEquals(shortest, ByteSizeConverter.format(bytes));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1MB", "x", "-1", "99999999999GiB"})
  void badSizesAreRefused(String text) {
    assertThrows(TypeConversionException.class, () -> new ByteSizeConverter().convert(text));
  }
}
