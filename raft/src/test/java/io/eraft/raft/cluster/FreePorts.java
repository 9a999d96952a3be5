package io.eraft.raft.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on 127.0.0.1 for tests, so suites never collide on fixed ports. */
public final class FreePorts {
  private FreePorts() {}

  /** A port that was free a moment ago (the OS hands out ephemeral ports round-robin). */
  public static int pick() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
