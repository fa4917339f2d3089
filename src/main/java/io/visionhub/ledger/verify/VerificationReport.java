package io.visionhub.ledger.verify;

import io.visionhub.ledger.heads.SignedTreeHead;
import java.time.Instant;
import java.util.List;

/**
 * What a verification covered and found.
 *
 * @param ok                 true when nothing was found
 * @param verifiedAt         when the check ran
 * @param records            records checked (seq 0..records-1 as stored)
 * @param headsChecked       signed heads checked (database and published file)
 * @param latestVerifiedHead the largest head whose signature and root verified, or null
 * @param uncoveredFrom      first seq not covered by a verified head (records from there on are checked by
 *                           their own hashes only until the next head is signed)
 * @param imagesChecked      images re-hashed from the image store
 * @param keyId              key the heads were checked against
 * @param findings           problems, in log order; the first is the first altered/deleted/inserted/... record
 * @param summary            one paragraph saying what was covered and what was found
 */
public record VerificationReport(
        boolean ok,
        Instant verifiedAt,
        long records,
        int headsChecked,
        SignedTreeHead latestVerifiedHead,
        long uncoveredFrom,
        long imagesChecked,
        String keyId,
        List<Finding> findings,
        String summary) {

    public Finding firstProblem() {
        return findings.isEmpty() ? null : findings.get(0);
    }
}
