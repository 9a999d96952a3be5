package io.eraft.cli.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Logging of the binaries: logback to stderr ({@link LogbackSetup}: time, level, logger, message,
 * key/values), so stdout carries only a command's output. grpc-java logs through
 * java.util.logging; that is routed into the same place and the same level.
 */
public final class Logging {
  /** The values of {@code --log-level}. */
  public enum LogLevel { OFF, ERROR, WARN, INFO, DEBUG, TRACE }

  private Logging() {}

  /** Sets the level of every logger; call once, before the command does its work. */
  public static void configure(LogLevel level) {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level.name()));
  }
}
