package io.eraft.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * Finds and cuts off a write torn by a crash at the end of LevelDB's newest write-ahead log.
 *
 * <p>Why: the LevelDB inside leveldbjni 1.8 writes its log through a preallocated, zero-filled
 * {@code mmap} region, so a process killed mid-write leaves the last record half copied and
 * followed only by zeros. That write never returned, so nothing acknowledged depends on it, yet
 * {@code paranoid_checks} refuses the whole log ("checksum mismatch"). A record larger than what
 * is left of a 32 KiB block is written as several fragments, and a kill between two of them leaves
 * sound first fragments followed by zeros, or by the end of the file ("partial record without
 * end"; LevelDB 1.20 and later drop such a tail themselves). As etcd's WAL does for a torn final
 * record, only these shapes are repaired: the first bad fragment lies inside the file, its last
 * byte is still zero and only zeros follow it; or a logical record's sound fragments are followed
 * only by zeros or the end of the file. Anything else (a fragment running past the end of the
 * file, damage followed by data) stays corruption. Stateless.
 *
 * <p>Record format (LevelDB {@code log_format.h}): 32 KiB blocks of records, each a 7-byte header
 * (masked CRC-32C of type and payload, little-endian; payload length, 2 bytes; type) then the
 * payload; a logical record is one FULL fragment or FIRST, MIDDLE..., LAST; a block tail shorter
 * than a header is zero padding.
 */
final class TornLogTail {
  private static final int BLOCK_BYTES = 32 * 1024;
  private static final int HEADER_BYTES = 7;
  private static final int FULL = 1;
  private static final int LAST = 4;
  private static final int CRC_MASK_DELTA = 0xa282ead8;

  private TornLogTail() {}

  /**
   * Truncates the newest {@code *.log} in {@code dir} before a torn final record, if it ends in
   * one. Returns the number of bytes cut off, or empty if there was nothing to repair.
   */
  static OptionalLong truncate(Path dir) throws IOException {
    Path newest = newestLog(dir);
    if (newest == null) {
      return OptionalLong.empty();
    }
    // The same fcntl lock LevelDB takes, so another process cannot open the log while it is cut.
    try (FileChannel lockFile = FileChannel.open(dir.resolve("LOCK"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.tryLock();
        FileChannel log = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      if (lock == null) {
        return OptionalLong.empty();
      }
      OptionalLong torn = find(Files.readAllBytes(newest));
      if (torn.isPresent()) {
        long cut = log.size() - torn.getAsLong();
        log.truncate(torn.getAsLong());
        log.force(true);
        return OptionalLong.of(cut);
      }
      return OptionalLong.empty();
    }
  }

  /**
   * Where {@code log} must be cut: the start of the logical record holding the first bad fragment,
   * if that fragment was torn as described above; empty if every record is sound or the damage is
   * not a torn tail.
   */
  static OptionalLong find(byte[] log) {
    ByteBuffer buf = ByteBuffer.wrap(log).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 0;
    int recordStart = 0;
    boolean inRecord = false; // between a FIRST fragment and its LAST
    while (pos < log.length) {
      int blockLeft = BLOCK_BYTES - pos % BLOCK_BYTES;
      if (blockLeft < HEADER_BYTES) {
        pos += blockLeft;
        continue;
      }
      if (log.length - pos < HEADER_BYTES) {
        return OptionalLong.empty();
      }
      int maskedCrc = buf.getInt(pos);
      int length = Short.toUnsignedInt(buf.getShort(pos + 4));
      int type = log[pos + 6];
      if (maskedCrc == 0 && length == 0 && type == 0) {
        // The end of what was written; a logical record still open here lost its last fragments.
        return inRecord && zerosFrom(log, pos) ? OptionalLong.of(recordStart) : OptionalLong.empty();
      }
      int end = pos + HEADER_BYTES + Math.min(length, blockLeft - HEADER_BYTES);
      if (length > blockLeft - HEADER_BYTES || end > log.length) {
        return OptionalLong.empty();
      }
      if (unmask(maskedCrc) != crc(log, pos + HEADER_BYTES - 1, 1 + length)) {
        // Header first, then payload: a copy cut short leaves the record's last byte still zero.
        return log[end - 1] == 0 && zerosFrom(log, end)
            ? OptionalLong.of(recordStart) : OptionalLong.empty();
      }
      inRecord = type != FULL && type != LAST;
      if (!inRecord) {
        recordStart = end;
      }
      pos = end;
    }
    return inRecord ? OptionalLong.of(recordStart) : OptionalLong.empty();
  }

  private static Path newestLog(Path dir) throws IOException {
    Path newest = null;
    long newestNumber = -1;
    DirectoryStream.Filter<Path> logFiles =
        p -> p.getFileName().toString().matches("[0-9]+\\.log");
    try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir, logFiles)) {
      for (Path p : logs) {
        String name = p.getFileName().toString();
        long number = Long.parseLong(name.substring(0, name.length() - ".log".length()));
        if (number > newestNumber) {
          newest = p;
          newestNumber = number;
        }
      }
    }
    return newest;
  }

  private static boolean zerosFrom(byte[] log, int from) {
    for (int i = from; i < log.length; i++) {
      if (log[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static int crc(byte[] log, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(log, offset, length);
    return (int) crc.getValue();
  }

  private static int unmask(int masked) {
    int rotated = masked - CRC_MASK_DELTA;
    return (rotated >>> 17) | (rotated << 15);
  }
}
