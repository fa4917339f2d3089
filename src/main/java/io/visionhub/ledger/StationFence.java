package io.visionhub.ledger;

/**
 * Fences the ledger appends of a station in a cluster (io.visionhub.cluster.StationOwnership): adds to the write a
 * row that the database refuses unless this node still holds the station's lease, or refuses the write at once when
 * it does not hold it. Without a fence (one hub) every station is recorded.
 */
@FunctionalInterface
public interface StationFence {

    /**
     * The write to append for an inspection of {@code station}.
     *
     * @throws LedgerException when this node may not record for the station
     */
    LedgerWrite fence(String station, LedgerWrite write);
}
