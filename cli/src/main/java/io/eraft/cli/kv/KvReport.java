package io.eraft.cli.kv;

import io.eraft.cli.OutputFormat;
import io.eraft.cli.json.Json;
import java.util.Locale;
import java.util.Optional;

/**
 * How {@code kvclient} prints a result: eRaft's line ({@code Get(K) -> V}, {@code Put(K, V)
 * success}), or one JSON object per command. Stateless.
 */
final class KvReport {
  private KvReport() {}

  /**
   * A Get's result. An absent key (the cluster answered {@code ErrNoKey}) is no error, as in eRaft:
   * its text reads as empty, and its JSON says {@code "found":false} with {@code "value":""}, so a
   * script can tell an absent key from an empty value.
   */
  static String get(OutputFormat format, String key, Optional<String> value) {
    if (format == OutputFormat.TEXT) {
      return "Get(" + key + ") -> " + value.orElse("") + "\n";
    }
    return Json.object()
        .field("op", "get")
        .field("key", key)
        .field("value", value.orElse(""))
        .field("found", value.isPresent()) + "\n";
  }

  /** A Put's or an Append's success; the JSON names the op and the key, as shardctl's {@code {"op":..,"ok":true}}. */
  static String update(OutputFormat format, String op, String key, String value) {
    if (format == OutputFormat.TEXT) {
      return op + "(" + key + ", " + value + ") success\n";
    }
    return Json.object()
        .field("op", op.toLowerCase(Locale.ROOT))
        .field("key", key)
        .field("ok", true) + "\n";
  }
}
