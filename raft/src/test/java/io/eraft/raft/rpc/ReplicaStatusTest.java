package io.eraft.raft.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Message;
import io.eraft.proto.raftpb.RequestVoteRequest;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** One mapping serves every eRaft service's GetStatusResponse: they share the six status fields. */
class ReplicaStatusTest {
  private static final ReplicaStatus STATUS = new ReplicaStatus(2, "Leader", "catching up", 7, 120, 121, 4096);

  @Test
  void roundTripsThroughEveryServicesStatusMessage() {
    List<Supplier<Message.Builder>> builders = List.of(
        io.eraft.proto.kvraftpb.GetStatusResponse::newBuilder,
        io.eraft.proto.shardctrlerpb.GetStatusResponse::newBuilder,
        io.eraft.proto.shardkvpb.GetStatusResponse::newBuilder);
    for (Supplier<Message.Builder> builder : builders) {
      Message proto = STATUS.toProto(builder.get());
      assertEquals(STATUS, ReplicaStatus.fromProto(proto), proto.getDescriptorForType().getFullName());
    }
    io.eraft.proto.kvraftpb.GetStatusResponse kv =
        STATUS.toProto(io.eraft.proto.kvraftpb.GetStatusResponse.newBuilder());
    assertEquals(2, kv.getId());
    assertEquals("Leader", kv.getState());
    assertEquals(7, kv.getTerm());
    assertEquals(120, kv.getLastApplied());
    assertEquals(121, kv.getCommitIndex());
    assertEquals(4096, kv.getStorageSize());
  }

  @Test
  void aMessageWithoutTheStatusFieldsIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> STATUS.toProto(RequestVoteRequest.newBuilder()));
    assertEquals("raftpb.RequestVoteRequest has no field 'id': not an eRaft status", e.getMessage());
  }
}
