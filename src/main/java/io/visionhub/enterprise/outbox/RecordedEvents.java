package io.visionhub.enterprise.outbox;

import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The recorded inspection events the deliveries map, each read from the ledger and parsed once for all its outbox rows
 * (an NG part has several: the SAP notification or NCR item, the webhook document): the rows of one inspection are
 * delivered within moments of each other, so the events of the last few hundred inspections are kept. A recorded event
 * never changes (the ledger's hash chain covers it), so a kept one is the one in the database; an inspection not in the
 * ledger is not kept (asked again next time), nor is an error. Before, every row read the event's JSON back and parsed it (~17 % of
 * the outbox threads' CPU in the side-by-side bench, bench/README-enterprise.md).
 */
final class RecordedEvents {

    /** Well above the rows in flight (twice the delivery concurrency, 16 by default) and a poll's batch (200). */
    static final int KEPT = 512;

    private final OutboxRepository repo;
    /** by inspection id: the event, or its read under way (the rows a poll claims together start together) */
    private final Map<String, CompletableFuture<InspectionEvent>> recent;

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
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<InspectionEvent>> eldest) {
                return size() > kept;
            }
        };
    }

    /**
     * The recorded event of an inspection, empty when the ledger has none. The first row to ask reads and parses it;
     * rows of the same inspection that ask meanwhile (a poll starts the rows it claims at once) wait for that read
     * and share its outcome, the error included.
     *
     * @throws IllegalArgumentException when the recorded JSON is no inspection event
     */
    Optional<InspectionEvent> of(String inspectionId) {
        CompletableFuture<InspectionEvent> event;
        boolean mine = false;
        synchronized (recent) {
            event = recent.get(inspectionId);
            if (event == null) {
                event = new CompletableFuture<>();
                recent.put(inspectionId, event);
                mine = true;
            }
        }
        if (mine) {
            read(inspectionId, event);
        }
        try {
            return Optional.ofNullable(event.join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Reads and parses; an inspection the ledger does not hold, or an error, is not kept. */
    private void read(String inspectionId, CompletableFuture<InspectionEvent> event) {
        try {
            Optional<String> json = repo.eventJson(inspectionId);
            InspectionEvent parsed = json.map(EventJson::fromJson).orElse(null);
            synchronized (recent) {
                if (parsed == null) {
                    recent.remove(inspectionId, event);
                } else {
                    reads++;
                }
            }
            event.complete(parsed);
        } catch (RuntimeException | Error e) {
            synchronized (recent) {
                recent.remove(inspectionId, event);
            }
            event.completeExceptionally(e);
        }
    }

    /** Events read from the database and parsed so far (tests). */
    long reads() {
        synchronized (recent) {
            return reads;
        }
    }
}
