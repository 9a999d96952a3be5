package io.eraft.cli.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eraft.cli.OutputFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** kvclient's output: eRaft's lines, and one JSON object per command. */
class KvReportTest {
  @Test
  void textIsERaftsLines() {
    assertEquals("Get(k) -> v\n", KvReport.get(OutputFormat.TEXT, "k", Optional.of("v")));
    assertEquals("Get(k) -> \n", KvReport.get(OutputFormat.TEXT, "k", Optional.empty()));
    assertEquals("Put(k, v w) success\n", KvReport.update(OutputFormat.TEXT, "Put", "k", "v w"));
    assertEquals("Append(k, x) success\n", KvReport.update(OutputFormat.TEXT, "Append", "k", "x"));
  }

  @Test
  void jsonTellsAnAbsentKeyFromAnEmptyValue() {
    assertEquals("{\"op\":\"get\",\"key\":\"k\",\"value\":\"v\",\"found\":true}\n",
        KvReport.get(OutputFormat.JSON, "k", Optional.of("v")));
    assertEquals("{\"op\":\"get\",\"key\":\"k\",\"value\":\"\",\"found\":true}\n",
        KvReport.get(OutputFormat.JSON, "k", Optional.of("")));
    assertEquals("{\"op\":\"get\",\"key\":\"k\",\"value\":\"\",\"found\":false}\n",
        KvReport.get(OutputFormat.JSON, "k", Optional.empty()));
  }

  @Test
  void jsonEscapesKeysAndValues() {
    assertEquals("{\"op\":\"get\",\"key\":\"a \\\"b\\\"\",\"value\":\"line1\\nline2\\\\\",\"found\":true}\n",
        KvReport.get(OutputFormat.JSON, "a \"b\"", Optional.of("line1\nline2\\")));
  }

  @Test
  void jsonOfAWriteNamesTheOpAndTheKeyAsShardctlDoes() {
    assertEquals("{\"op\":\"put\",\"key\":\"k\",\"ok\":true}\n", KvReport.update(OutputFormat.JSON, "Put", "k", "v"));
    assertEquals("{\"op\":\"append\",\"key\":\"k\",\"ok\":true}\n",
        KvReport.update(OutputFormat.JSON, "Append", "k", "v"));
  }
}
