package io.eraft.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.eraft.raft.ProposalFailedException;
import io.eraft.raft.ProposalFailedException.Reason;
import io.eraft.raft.core.Entry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class PendingProposalsTest {
  private static Reason reason(CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, f::get);
    return ((ProposalFailedException) e.getCause()).reason();
  }

  @Test
  void onlyTheEntryOfTheProposedTermCompletesAProposal() throws Exception {
    PendingProposals<String> p = new PendingProposals<>();
    CompletableFuture<String> ok = new CompletableFuture<>();
    CompletableFuture<String> overwritten = new CompletableFuture<>();
    p.register(5, 2, ok);
    p.register(6, 2, overwritten);
    p.applied(new Entry(5, 2, ByteString.copyFromUtf8("a")), "done");
    p.applied(new Entry(6, 3, ByteString.copyFromUtf8("b")), "someone else's");
    assertEquals("done", ok.get());
    assertEquals(Reason.LEADERSHIP_LOST, reason(overwritten));
  }

  @Test
  void reusingAnIndexFailsTheProposalItReplaces() {
    PendingProposals<String> p = new PendingProposals<>();
    CompletableFuture<String> old = new CompletableFuture<>();
    p.register(11, 5, old);
    p.register(11, 7, new CompletableFuture<>());
    assertEquals(Reason.LEADERSHIP_LOST, reason(old));
    assertEquals(1, p.size());
  }
}
