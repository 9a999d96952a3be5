package io.eraft.cli;

/** The values of a client's {@code --output}: text for people, one JSON document per result for scripts. */
public enum OutputFormat { TEXT, JSON }
