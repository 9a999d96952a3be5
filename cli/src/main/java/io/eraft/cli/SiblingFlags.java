package io.eraft.cli;

import java.util.List;

/**
 * A binary that knows the flags of its sibling binaries which operators give it by mistake
 * ({@code shardctrler -addrs}, {@code kvclient -cluster}), so that {@link Cli} answers with the
 * flag meant instead of "Unknown option". Implemented by a binary's root command; read on the
 * thread that parses the arguments.
 */
public interface SiblingFlags {
  /**
   * A sibling's flag and the one meant.
   *
   * @param name the flag without dashes, e.g. {@code addrs}
   * @param owner the binary it belongs to, e.g. {@code kvserver}
   * @param meant this binary's flag for the same thing, without dashes
   * @param what what {@code meant} names, e.g. "the controllers' addresses"
   */
  record SiblingFlag(String name, String owner, String meant, String what) {
    /** The usage error's text, e.g. "-addrs is kvserver's flag: use -cluster for the controllers' addresses". */
    public String hint() {
      return "-" + name + " is " + owner + "'s flag: use -" + meant + " for " + what;
    }
  }

  List<SiblingFlag> siblingFlags();
}
