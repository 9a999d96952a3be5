package io.eraft.cli.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** One flat JSON object per line: ISO time, level, identity, MDC, key/values with their JSON types, errors. */
class JsonLogEncoderTest {
  @Test
  void anEventIsOneFlatJsonLine() throws Exception {
    LoggerContext context = new LoggerContext();
    context.putProperty("component", "shardkv");
    context.putProperty("group", "100");
    context.putProperty("node", "2");
    JsonLogEncoder encoder = new JsonLogEncoder();
    encoder.setContext(context);
    encoder.start();
    LoggingEvent event = new LoggingEvent("x", context.getLogger("io.eraft.raft.node.Applier"), Level.WARN,
        "apply request took {}", new IllegalStateException("boom \"quoted\""), new Object[] {"2s"});
    event.setInstant(Instant.parse("2026-12-04T06:10:00.123456Z"));
    event.setMDCPropertyMap(Map.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"));
    event.addKeyValuePair(new KeyValuePair("entries", 12));
    event.addKeyValuePair(new KeyValuePair("took", "PT2S"));
    event.addKeyValuePair(new KeyValuePair("tookMs", 2000.125));

    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
    Struct.Builder parsed = Struct.newBuilder();
    JsonFormat.parser().merge(line, parsed);
    Struct json = parsed.build();
    assertEquals("2026-12-04T06:10:00.123456Z", json.getFieldsOrThrow("ts").getStringValue());
    assertEquals("warn", json.getFieldsOrThrow("level").getStringValue());
    assertEquals("io.eraft.raft.node.Applier", json.getFieldsOrThrow("logger").getStringValue());
    assertEquals("apply request took 2s", json.getFieldsOrThrow("msg").getStringValue());
    assertEquals("shardkv", json.getFieldsOrThrow("component").getStringValue());
    assertEquals("100", json.getFieldsOrThrow("group").getStringValue());
    assertEquals("2", json.getFieldsOrThrow("node").getStringValue());
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", json.getFieldsOrThrow("trace_id").getStringValue());
    assertEquals(12, json.getFieldsOrThrow("entries").getNumberValue());
    assertEquals("PT2S", json.getFieldsOrThrow("took").getStringValue());
    assertEquals(2000.125, json.getFieldsOrThrow("tookMs").getNumberValue());
    assertTrue(json.getFieldsOrThrow("error").getStringValue()
        .startsWith("java.lang.IllegalStateException: boom \"quoted\""), line);
  }
}
