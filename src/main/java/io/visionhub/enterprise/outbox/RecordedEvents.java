package io.visionhub.enterprise.outbox;

import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The recorded inspection events the deliveries map, each read from the ledger and parsed once for all its outbox rows
 * (an NG part has several: the SAP notification or NCR item, the webhook document): the rows of one inspection are
 * delivered within moments of each other, so the events of the last few hundred inspections are kept. A recorded event
 * never changes (the ledger's hash chain covers it), so a kept one is the one in the database; an inspection not in the
 * ledger is not kept (asked again next time). Before, every row read the event's JSON back and parsed it (~17 % of
 * the outbox threads' CPU in the side-by-side bench, bench/README-enterprise.md).
 */
final class RecordedEvents {

    /** Well above the rows in flight (twice the delivery concurrency, 16 by default) and a poll's batch (200). */
    static final int KEPT = 512;

    private final OutboxRepository repo;
    private final Map<String, InspectionEvent> recent;
    private long reads;

    RecordedEvents(OutboxRepository repo) {
        this(repo, KEPT);
    }

    RecordedEvents(OutboxRepository repo, int kept) {
        if (kept < 1) {
            throw new IllegalArgumentException("kept must be at least 1, was " + kept);
        }
        this.repo = repo;
        this.recent = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, InspectionEvent> eldest) {
                return size() > kept;
            }
        };
    }

    /**
     * The recorded event of an inspection, empty when the ledger has none. Two rows of an inspection delivered at the
     * same moment may both read it (harmless: the same event).
     *
     * @throws IllegalArgumentException when the recorded JSON is no inspection event
     */
    Optional<InspectionEvent> of(String inspectionId) {
        synchronized (recent) {
            InspectionEvent kept = recent.get(inspectionId);
            if (kept != null) {
                return Optional.of(kept);
            }
        }
        Optional<String> json = repo.eventJson(inspectionId);
        if (json.isEmpty()) {
            return Optional.empty();
        }
        InspectionEvent event = EventJson.fromJson(json.get());
        synchronized (recent) {
            reads++;
            recent.put(inspectionId, event);
        }
        return Optional.of(event);
    }

    /** Events read from the database and parsed so far (tests). */
    long reads() {
        synchronized (recent) {
            return reads;
        }
    }
}
