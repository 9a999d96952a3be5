package io.eraft.raft.linearizability;

/**
 * What {@link LinearizabilityChecker} concluded.
 *
 * @param explanation empty when OK; for ILLEGAL a bounded human-readable report of the failing
 *     partition, its longest partial linearization and the operations where the search got stuck;
 *     for UNKNOWN which partitions were not decided in time
 */
public record CheckResult(Outcome outcome, String explanation) {

  /** The verdict, as porcupine's {@code CheckResult}. */
  public enum Outcome {
    /** Every partition has a linearization. */
    OK,
    /** Some partition has none; the explanation shows why. */
    ILLEGAL,
    /** The deadline passed before every partition was decided (and none was found illegal). */
    UNKNOWN
  }
}
