package io.eraft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** {@link TornLogTail#find} on logs built in LevelDB's record format. */
class TornLogTailTest {
  private static final int BLOCK = 32 * 1024;
  private static final int HEADER = 7;
  private static final int FULL = 1;
  private static final int FIRST = 2;
  private static final int LAST = 4;

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @Test
  void soundLogFollowedByPreallocatedZerosNeedsNoRepair() {
    append(FULL, payload(100));
    append(FULL, payload(200));

    assertEquals(OptionalLong.empty(), TornLogTail.find(withZeros(4096)));
  }

  @Test
  void recordWithAZeroPayloadAtTheEndIsCutAtItsStart() {
    append(FULL, payload(100));
    int tornAt = log.size();
    append(FULL, payload(300));
    byte[] bytes = withZeros(4096);
    Arrays.fill(bytes, tornAt + HEADER + 10, tornAt + HEADER + 300, (byte) 0);

    assertEquals(OptionalLong.of(tornAt), TornLogTail.find(bytes));
  }

  @Test
  void tornLastFragmentIsCutAtItsFirstFragment() {
    append(FULL, payload(100));
    int recordAt = log.size();
    append(FIRST, payload(BLOCK - recordAt - HEADER));
    int lastAt = log.size();
    append(LAST, payload(500));
    byte[] bytes = withZeros(4096);
    Arrays.fill(bytes, lastAt + HEADER + 1, lastAt + HEADER + 500, (byte) 0);

    assertEquals(OptionalLong.of(recordAt), TornLogTail.find(bytes));
  }

  @Test
  void aRecordWhoseLastFragmentWasNeverWrittenIsCutAtItsFirstFragment() {
    append(FULL, payload(100));
    int recordAt = log.size();
    append(FIRST, payload(BLOCK - recordAt - HEADER));

    assertEquals(OptionalLong.of(recordAt), TornLogTail.find(withZeros(4096)), "zeros follow");
    assertEquals(OptionalLong.of(recordAt), TornLogTail.find(withZeros(0)), "the file ends");
  }

  @Test
  void anOpenRecordFollowedByZerosAndThenDataIsNotATornTail() {
    append(FULL, payload(100));
    append(FIRST, payload(BLOCK - log.size() - HEADER));
    byte[] bytes = withZeros(4096);
    bytes[bytes.length - 1] = 1;

    assertEquals(OptionalLong.empty(), TornLogTail.find(bytes));
  }

  @Test
  void damageFollowedByMoreDataIsNotATornTail() {
    int damagedAt = log.size();
    append(FULL, payload(100));
    append(FULL, payload(100));
    byte[] bytes = withZeros(0);
    bytes[damagedAt + HEADER + 5] ^= 1;

    assertEquals(OptionalLong.empty(), TornLogTail.find(bytes));
  }

  @Test
  void recordRunningPastTheEndOfTheFileIsNotATornTail() {
    append(FULL, payload(100));
    append(FULL, payload(300));
    byte[] bytes = Arrays.copyOf(log.toByteArray(), log.size() - 100);

    assertEquals(OptionalLong.empty(), TornLogTail.find(bytes));
  }

  @Test
  void fullyWrittenRecordWithABadChecksumIsNotATornTail() {
    append(FULL, payload(100));
    int damagedAt = log.size();
    append(FULL, payload(300));
    byte[] bytes = withZeros(4096);
    bytes[damagedAt + HEADER + 5] ^= 1;

    assertEquals(OptionalLong.empty(), TornLogTail.find(bytes));
  }

  private static byte[] payload(int size) {
    byte[] p = new byte[size];
    Arrays.fill(p, (byte) 'x');
    return p;
  }

  private byte[] withZeros(int zeros) {
    return Arrays.copyOf(log.toByteArray(), log.size() + zeros);
  }

  private void append(int type, byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(type);
    crc.update(payload);
    int value = (int) crc.getValue();
    int masked = ((value >>> 15) | (value << 17)) + 0xa282ead8;
    log.writeBytes(ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(masked).putShort((short) payload.length).put((byte) type).array());
    log.writeBytes(payload);
  }
}
