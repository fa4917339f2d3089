package io.visionhub.quality;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.disposition.SignedDisposition;

/**
 * A quality concern that follows the line as it runs (line screen, quality rate, SPC, NCR rules): a Spring bean
 * implementing this hears every recorded inspection (from {@code quality:inspection} in the inspection route, after
 * {@code ledger:record}) and every new signed disposition. Calls come on the inspection's or the signer's thread:
 * update memory and return; hand slow work (I/O, PDF, outbox) to another thread.
 */
public interface QualityListener {

    /** An inspection the ledger has recorded (its context applied). */
    default void onInspection(InspectionEvent event) {}

    /** A new signed disposition (not a replay of an earlier request). */
    default void onDisposition(SignedDisposition disposition) {}
}
