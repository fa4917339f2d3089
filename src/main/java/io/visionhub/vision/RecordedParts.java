package io.visionhub.vision;

import java.time.Instant;

/**
 * Whether a part already has a record: asked only for a frame a source re-reads after a restart (an image folder's
 * file left from a process that died between the ledger's commit and the file's move), so that the part is not
 * recorded twice. The ledger provides it ({@code io.visionhub.ledger.LedgerRecordedParts}); without one, such a
 * part is recorded again.
 */
public interface RecordedParts {

    /**
     * A record of this station's part with this image ({@code imageSha256} null: any image, for a refused frame that
     * was not stored), captured at or after {@code since}, exists.
     */
    boolean recorded(String station, String partId, String imageSha256, Instant since);
}
