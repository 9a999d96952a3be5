package io.eraft.cli.json;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The little JSON the binaries print (the clients' {@code --output json}, the dashboard's API):
 * objects of strings, numbers, booleans and already-encoded values, on one line. Strings are escaped per RFC 8259.
 */
public final class Json {
  private Json() {}

  public static Builder object() {
    return new Builder();
  }

  /** A JSON array of already-encoded values. */
  public static String array(List<String> encoded) {
    return encoded.stream().collect(Collectors.joining(",", "[", "]"));
  }

  /** {@code value} as a JSON string literal. */
  public static String string(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** A JSON object being built, fields in the order added. */
  public static final class Builder {
    private final StringBuilder fields = new StringBuilder();

    private Builder() {}

    public Builder field(String name, String value) {
      return encoded(name, string(value));
    }

    public Builder field(String name, long value) {
      return encoded(name, Long.toString(value));
    }

    /** A finite number; JSON has no NaN or infinity. */
    public Builder field(String name, double value) {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException(name + " is not a finite number: " + value);
      }
      return encoded(name, Double.toString(value));
    }

    public Builder field(String name, boolean value) {
      return encoded(name, Boolean.toString(value));
    }

    /** A field whose value is already JSON (an array, an object). */
    public Builder encoded(String name, String json) {
      if (fields.length() > 0) {
        fields.append(',');
      }
      fields.append(string(name)).append(':').append(json);
      return this;
    }

    @Override
    public String toString() {
      return "{" + fields + "}";
    }
  }
}
