package io.eraft.cli.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void stringsAreEscapedPerRfc8259() {
    assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\u00e9\"", Json.string("a\"b\\c\nd\re\tf\u0001g\u00e9"));
  }

  @Test
  void objectsKeepFieldOrderAndNestEncodedValues() {
    String json = Json.object()
        .field("name", "x")
        .field("n", -3)
        .field("ok", false)
        .encoded("list", Json.array(List.of("1", Json.string("two"))))
        .encoded("empty", Json.object().toString())
        .toString();
    assertEquals("{\"name\":\"x\",\"n\":-3,\"ok\":false,\"list\":[1,\"two\"],\"empty\":{}}", json);
  }
}
