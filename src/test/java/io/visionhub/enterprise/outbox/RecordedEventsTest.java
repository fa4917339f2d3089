package io.visionhub.enterprise.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visionhub.enterprise.TestEvents;
import io.visionhub.event.InspectionEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The recorded events the outbox's deliveries map: read and parsed once for all rows of an inspection, the most
 * recent ones kept, an inspection not (yet) in the ledger asked again, bad JSON refused.
 */
class RecordedEventsTest {

    private final OutboxTestDb db = OutboxTestDb.inMemory();
    private final OutboxRepository repo = new OutboxRepository(db.dataSource());

    @Test
    void theRowsOfAnInspectionReadAndParseItsEventOnce() {
        InspectionEvent e = TestEvents.ng("station-1", "scratch");
        db.record(e, "webhook", "WORK_REQUEST", e.id());
        RecordedEvents events = new RecordedEvents(repo);

        InspectionEvent first = events.of(e.id()).orElseThrow();
        InspectionEvent second = events.of(e.id()).orElseThrow();

        assertThat(first).isEqualTo(e);
        assertThat(second).isSameAs(first);
        assertThat(events.reads()).isEqualTo(1);
    }

    @Test
    void anInspectionNotInTheLedgerIsNotKeptAndIsAskedAgain() {
        RecordedEvents events = new RecordedEvents(repo);
        InspectionEvent e = TestEvents.ng("station-1", "scratch");

        assertThat(events.of(e.id())).isEmpty();
        db.record(e, "webhook", "WORK_REQUEST", e.id());
        assertThat(events.of(e.id())).contains(e);
    }

    @Test
    void onlyTheMostRecentlyUsedEventsAreKept() {
        RecordedEvents events = new RecordedEvents(repo, 2);
        InspectionEvent a = TestEvents.ng("station-1", "scratch");
        InspectionEvent b = TestEvents.ng("station-1", "dent");
        InspectionEvent c = TestEvents.ng("station-2", "scratch");
        for (InspectionEvent e : new InspectionEvent[] {a, b, c}) {
            db.record(e, "webhook", "WORK_REQUEST", e.id());
        }

        events.of(a.id());
        events.of(b.id());
        events.of(a.id()); // a used last: b is the eldest
        events.of(c.id()); // b goes
        assertThat(events.reads()).isEqualTo(3);
        events.of(a.id());
        events.of(c.id());
        assertThat(events.reads()).isEqualTo(3);
        events.of(b.id());
        assertThat(events.reads()).isEqualTo(4);
    }

    @Test
    void recordedJsonThatIsNoEventIsRefusedAndNotKept() {
        InspectionEvent e = TestEvents.ng("station-1", "scratch");
        db.record(e, "webhook", "WORK_REQUEST", e.id());
        new JdbcTemplate(db.dataSource())
                .update("UPDATE inspection SET event_json = ? WHERE id = ?", "{not json", e.id());
        RecordedEvents events = new RecordedEvents(repo);

        assertThatThrownBy(() -> events.of(e.id())).isInstanceOf(IllegalArgumentException.class);
        assertThat(events.reads()).isZero();
    }

    @Test
    void keepingNothingIsRefused() {
        assertThatThrownBy(() -> new RecordedEvents(repo, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rowsAskingWhileTheEventIsBeingReadShareThatRead() throws Exception {
        InspectionEvent e = TestEvents.ng("station-1", "scratch");
        db.record(e, "webhook", "WORK_REQUEST", e.id());
        CountDownLatch mayAnswer = new CountDownLatch(1);
        AtomicInteger asked = new AtomicInteger();
        RecordedEvents events = new RecordedEvents(new OutboxRepository(db.dataSource()) {
            @Override
            public Optional<String> eventJson(String inspectionId) {
                asked.incrementAndGet();
                try {
                    mayAnswer.await(10, TimeUnit.SECONDS); // a slow read
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                return super.eventJson(inspectionId);
            }
        });
        CompletableFuture<Optional<InspectionEvent>> first = CompletableFuture.supplyAsync(() -> events.of(e.id()));
        await().atMost(Duration.ofSeconds(10)).until(() -> asked.get() == 1);
        AtomicReference<Optional<InspectionEvent>> second = new AtomicReference<>();
        Thread other = new Thread(() -> second.set(events.of(e.id())));
        other.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> other.getState() == Thread.State.WAITING);

        mayAnswer.countDown();
        other.join(10_000);
        assertThat(first.get(10, TimeUnit.SECONDS)).contains(e);
        assertThat(second.get()).contains(e);
        assertThat(asked.get()).isEqualTo(1);
        assertThat(events.reads()).isEqualTo(1);
    }
}
