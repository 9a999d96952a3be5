package io.eraft.cli;

/**
 * The exit statuses of every binary (the README's table). A usage error has done nothing; a
 * failure may have done part of its work (a write that timed out may or may not have applied).
 */
public final class ExitCode {
  /** The command did what it was asked. */
  public static final int OK = 0;
  /**
   * A runtime failure, reported in one line on stderr: the cluster did not answer in time, the
   * cluster refused a request, a port is in use, a data directory is locked or corrupt, a server
   * stopped after a storage failure, a benchmark saw failed operations.
   */
  public static final int FAILURE = 1;
  /** A usage error (unknown flag, bad value, missing argument, id out of range): nothing was done. */
  public static final int USAGE = 2;

  private ExitCode() {}
}
