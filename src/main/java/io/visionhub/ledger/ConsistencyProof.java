package io.visionhub.ledger;

import java.util.List;

/** RFC 6962 consistency proof: the tree of fromSize records is a prefix of the tree of toSize records. */
public record ConsistencyProof(
        long fromSize, long toSize, String fromRoot, String toRoot, List<String> proof, boolean verified) {}
