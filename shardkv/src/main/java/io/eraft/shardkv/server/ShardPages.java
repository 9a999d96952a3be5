package io.eraft.shardkv.server;

import com.google.protobuf.ByteString;
import io.eraft.proto.shardkvlog.KeyValue;
import io.eraft.proto.shardkvlog.ShardPage;
import io.eraft.proto.shardkvlog.ShardPiece;
import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.proto.shardkvpb.OperationContext;
import io.eraft.proto.shardkvpb.ShardData;
import io.eraft.proto.shardkvpb.ShardOperationRequest;
import io.eraft.proto.shardkvpb.ShardOperationResponse;
import io.eraft.raft.storage.DuplicateTable;
import io.eraft.shardkv.ShardKvError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shard data in pages (GetShardsData): the holder reads one page from its store, the puller turns
 * the reply into the InsertShards command it proposes. A page holds about {@code max_bytes} of keys
 * and values, at least one pair of an unfinished shard, so a shard of any size moves and no message
 * holds it whole. Within a shard, pairs come in stored key order (UTF-8 bytes) and the next page
 * resumes after the last key sent. A reply covers a prefix of the requested shards: those in its
 * {@code shards} map (an empty shard with an empty map), complete unless listed in
 * {@code continue_after}; the others were not reached. Stateless.
 */
public final class ShardPages {
  private static final Comparator<ByteString> UTF8_ORDER = ByteString.unsignedLexicographicalComparator();

  private ShardPages() {}

  /**
   * The page {@code request} asks for, read from {@code machine} (which must hold those shards
   * frozen). {@code max_bytes} 0 asks for everything, as eRaft's servers do.
   */
  static ShardOperationResponse read(ShardStateMachine machine, ShardOperationRequest request) {
    long budget = request.getMaxBytes() > 0 ? request.getMaxBytes() : Long.MAX_VALUE;
    long[] used = {0};
    ShardOperationResponse.Builder reply = ShardOperationResponse.newBuilder()
        .setErr(ShardKvError.OK.wire())
        .setConfigNum(request.getConfigNum());
    List<Integer> complete = new ArrayList<>();
    for (int shard : request.getShardIdsList()) {
      ShardData.Builder data = ShardData.newBuilder();
      String[] last = {null};
      boolean[] more = {false};
      machine.scan(shard, request.getResumeAfterMap().get(shard), (key, value) -> {
        if (used[0] >= budget) {
          more[0] = true;
          return false;
        }
        data.putKv(key, new String(value, StandardCharsets.UTF_8));
        used[0] += key.length() + value.length;
        last[0] = key;
        return true;
      });
      if (more[0] && last[0] == null) {
        break; // the page is full before this shard's first pair: not reached
      }
      reply.putShards(shard, data.build());
      if (more[0]) {
        reply.putContinueAfter(shard, last[0]);
        break;
      }
      complete.add(shard);
    }
    reply.putAllLastOperations(newestPerClient(machine, complete));
    return reply.build();
  }

  /**
   * The complete shards' duplicate-table records, one per client: its newest command. That is
   * enough for every shard: a client has one command outstanding at a time, so any of its commands
   * numbered at or below its newest applied one is finished, wherever it went.
   */
  private static Map<Long, OperationContext> newestPerClient(ShardStateMachine machine, List<Integer> shards) {
    Map<Long, OperationContext> newest = new HashMap<>();
    for (int shard : shards) {
      machine.duplicateRecords(shard).forEach((client, applied) -> newest.merge(client,
          OperationContext.newBuilder().setMaxAppliedCommandId(applied.commandId())
              .setLastResponse(applied.reply()).build(),
          (a, b) -> a.getMaxAppliedCommandId() >= b.getMaxAppliedCommandId() ? a : b));
    }
    return newest;
  }

  /** The InsertShards command for a page answered to {@code request}; pieces of the shards it covers. */
  static ShardPage toInsert(ShardOperationRequest request, ShardOperationResponse reply) {
    ShardPage.Builder page = ShardPage.newBuilder()
        .setConfigNum(request.getConfigNum())
        .putAllLastOperations(reply.getLastOperationsMap());
    for (int shard : request.getShardIdsList()) {
      ShardData data = reply.getShardsMap().get(shard);
      if (data == null) {
        break;
      }
      String resumedAfter = request.getResumeAfterMap().get(shard);
      ShardPiece.Builder piece = ShardPiece.newBuilder()
          .setShard(shard)
          .setResumed(resumedAfter != null)
          .setResumedAfter(resumedAfter == null ? "" : resumedAfter)
          .setComplete(!reply.getContinueAfterMap().containsKey(shard));
      data.getKvMap().entrySet().stream()
          .map(e -> KeyValue.newBuilder().setKey(e.getKey()).setValue(e.getValue()).build())
          .sorted(Comparator.comparing(KeyValue::getKeyBytes, UTF8_ORDER))
          .forEach(piece::addPairs);
      page.addPieces(piece);
    }
    return page.build();
  }

  /** Duplicate-table records as they travel, as the table keeps them. */
  static Map<Long, DuplicateTable.Applied<CommandResponse>> duplicateRecords(Map<Long, OperationContext> wire) {
    Map<Long, DuplicateTable.Applied<CommandResponse>> records = new HashMap<>();
    wire.forEach((client, context) -> records.put(client,
        new DuplicateTable.Applied<>(context.getMaxAppliedCommandId(), context.getLastResponse())));
    return records;
  }
}
