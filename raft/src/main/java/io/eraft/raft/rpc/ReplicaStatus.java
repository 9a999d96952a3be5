package io.eraft.raft.rpc;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import io.eraft.raft.core.Standing;

/**
 * What eRaft's GetStatus reports about one replica. Every eRaft service has its own
 * {@code GetStatusResponse} message, and all of them start with the same six fields ({@code id},
 * {@code state}, {@code term}, {@code last_applied}, {@code commit_index}, {@code storage_size}),
 * so one mapping by field name serves them all; ours add {@code standing} (field 15), which
 * eRaft's servers do not send.
 *
 * @param role eRaft's role string (Leader, Follower, Candidate, PreCandidate)
 * @param standing {@link Standing#displayName()}: whether the replica votes or is joining or
 *     catching up after it lost its data
 * @param storageBytes bytes on disk: the Raft log and the state machine
 */
public record ReplicaStatus(long id, String role, String standing, long term, long lastApplied, long commitIndex,
    long storageBytes) {
  private static final String STANDING = "standing";

  /** This status in a service's {@code GetStatusResponse}, built with {@code builder}. */
  @SuppressWarnings("unchecked") // the builder builds the message type the caller names
  public <M extends Message> M toProto(Message.Builder builder) {
    Descriptor type = builder.getDescriptorForType();
    FieldDescriptor standingField = type.findFieldByName(STANDING);
    if (standingField != null) {
      builder.setField(standingField, standing);
    }
    return (M) builder
        .setField(field(type, "id"), id)
        .setField(field(type, "state"), role)
        .setField(field(type, "term"), term)
        .setField(field(type, "last_applied"), lastApplied)
        .setField(field(type, "commit_index"), commitIndex)
        .setField(field(type, "storage_size"), storageBytes)
        .build();
  }

  /** The status a service's {@code GetStatusResponse} carries. */
  public static ReplicaStatus fromProto(MessageOrBuilder reply) {
    Descriptor type = reply.getDescriptorForType();
    FieldDescriptor standingField = type.findFieldByName(STANDING);
    String standing = standingField == null ? "" : (String) reply.getField(standingField);
    return new ReplicaStatus(
        (Long) reply.getField(field(type, "id")),
        (String) reply.getField(field(type, "state")),
        standing.isEmpty() ? Standing.VOTER.displayName() : standing,
        (Long) reply.getField(field(type, "term")),
        (Long) reply.getField(field(type, "last_applied")),
        (Long) reply.getField(field(type, "commit_index")),
        (Long) reply.getField(field(type, "storage_size")));
  }

  private static FieldDescriptor field(Descriptor type, String name) {
    FieldDescriptor field = type.findFieldByName(name);
    if (field == null) {
      throw new IllegalArgumentException(type.getFullName() + " has no field '" + name + "': not an eRaft status");
    }
    return field;
  }
}
