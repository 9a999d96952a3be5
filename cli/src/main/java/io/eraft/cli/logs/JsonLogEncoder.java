package io.eraft.cli.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.eraft.cli.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One flat JSON object per line, as etcd's zap logs and log shippers expect: {@code ts} (ISO 8601,
 * UTC, microseconds), {@code level}, {@code logger}, {@code thread}, {@code msg}, the process's
 * identity ({@code component}, {@code group}, {@code node}, from the logger context), the MDC
 * ({@code trace_id}), the event's SLF4J key/values (numbers and booleans as such), and {@code
 * error} with the stack trace. Logback's own {@code JsonEncoder} writes the time as epoch
 * milliseconds and nests the MDC and key/values, which shippers must then unpack.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
  /** The process's identity, set as logger context properties. */
  static final String[] IDENTITY = {"component", "group", "node"};
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final byte[] NONE = new byte[0];

  @Override
  public byte[] headerBytes() {
    return NONE;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    Json.Builder line = Json.object()
        .field("ts", TIME.format(event.getInstant()))
        .field("level", event.getLevel().toString().toLowerCase(Locale.ROOT))
        .field("logger", event.getLoggerName())
        .field("thread", event.getThreadName())
        .field("msg", event.getFormattedMessage());
    for (String key : IDENTITY) {
      String value = getContext().getProperty(key);
      if (value != null) {
        line.field(key, value);
      }
    }
    for (Map.Entry<String, String> mdc : event.getMDCPropertyMap().entrySet()) {
      line.field(mdc.getKey(), mdc.getValue());
    }
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        line.encoded(pair.key, value(pair.value));
      }
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      line.field("error", ThrowableProxyUtil.asString(error));
    }
    return (line + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String value(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Boolean
        || value instanceof Double d && Double.isFinite(d)) {
      return value.toString();
    }
    return Json.string(String.valueOf(value));
  }

  @Override
  public byte[] footerBytes() {
    return NONE;
  }
}
