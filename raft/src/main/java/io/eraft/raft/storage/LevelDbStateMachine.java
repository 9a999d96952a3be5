package io.eraft.raft.storage;

import io.eraft.raft.SnapshotSource;
import io.eraft.raft.StateMachine;
import io.eraft.raft.core.SnapshotMeta;
import java.io.IOException;
import java.io.InputStream;

/**
 * A {@link StateMachine} whose state is a {@link LevelDbStateStore}: durability, snapshots and
 * installs are the store's; a service supplies {@link #apply} and the in-memory views it rebuilds
 * from the store ({@link #reload}).
 *
 * @param <R> what applying one command returns
 */
public abstract class LevelDbStateMachine<R> implements StateMachine<R> {
  protected final LevelDbStateStore store;

  protected LevelDbStateMachine(LevelDbStateStore store) {
    this.store = store;
  }

  /**
   * Rebuilds in-memory views (duplicate table, caches) from the store. Called after a snapshot
   * install; subclasses call it from their constructor once their fields exist.
   */
  protected abstract void reload();

  @Override
  public final SnapshotMeta applied() {
    return store.syncApplied();
  }

  @Override
  public final SnapshotSource openSnapshot() {
    return store.openSnapshot();
  }

  @Override
  public final void installSnapshot(SnapshotMeta meta, InputStream data) throws IOException {
    store.install(meta, data);
    reload();
  }

  /** Bytes of the state on disk. */
  public final long sizeBytes() {
    return store.sizeBytes();
  }
}
