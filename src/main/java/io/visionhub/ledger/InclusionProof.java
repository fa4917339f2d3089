package io.visionhub.ledger;

import io.visionhub.ledger.heads.SignedTreeHead;
import java.util.List;

/**
 * RFC 6962 inclusion proof: record seq (leaf hash) is in the tree of treeSize records whose root the signed head
 * holds. Check with {@link io.visionhub.ledger.merkle.MerkleTree#verifyInclusion}.
 */
public record InclusionProof(
        long seq,
        String recordId,
        String recordType,
        String leafHash,
        long treeSize,
        String rootHash,
        List<String> auditPath,
        SignedTreeHead head,
        boolean verified) {}
