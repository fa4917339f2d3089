package io.visionhub.quality.oee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.visionhub.context.ContextConfiguration;
import io.visionhub.context.ContextProperties;
import io.visionhub.context.ProductionContextStore;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.disposition.DispositionRequest;
import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.quality.oee.QualityRates.QualityRateView;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quality rate through the service on a real ledger (H2) and context store (Hazelcast): loaded from the
 * database, updated by inspections and signed dispositions (of a part and of a lot), started again at a changeover,
 * and always equal to what the database gives for the same order and shift.
 */
class QualityRateServiceTest {

    @TempDir
    Path dir;

    LedgerFixture ledger;
    HazelcastInstance member;
    ProductionContextStore store;
    final List<QualityRateView> heard = new ArrayList<>();

    String schema;

    /** On H2, or on the machine's PostgreSQL (skipped where it is not running). */
    void open(String db) {
        if (!"h2".equals(db)) {
            assumeTrue(LedgerTestSupport.postgresAvailable(), "PostgreSQL not reachable on 127.0.0.1:5432");
            ledger.close();
            schema = LedgerTestSupport.uniqueSchema();
            ledger = new LedgerFixture(dir.resolve("pg"), LedgerTestSupport.postgres(schema));
        }
    }

    @BeforeEach
    void start() {
        ledger = new LedgerFixture(dir);
        member = Hazelcast.newHazelcastInstance(ContextConfiguration.memberConfig(
                new ContextProperties.Hazelcast("test-" + UUID.randomUUID(), 0, List.of(), null, "127.0.0.1", true)));
        store = new ProductionContextStore(member.getMap("ctx"), null, List.of(), 100, null, Clock.systemUTC());
        store.start();
    }

    @AfterEach
    void stop() {
        store.close();
        member.shutdown();
        if (schema != null) {
            LedgerTestSupport.dropSchema(ledger.ds, schema);
        }
        ledger.close();
    }

    QualityRateService service() {
        QualityRateService s =
                new QualityRateService(() -> store, new QualityRateQueries(ledger.ds), Clock.systemUTC());
        s.addChangeListener(heard::add);
        ledger.dispositions.addListener(s::onDisposition);
        return s;
    }

    ProductionContext push(String order, String shift, String batch) {
        return store.update(
                "line-1",
                new ProductionContext("line-1", order, "P-42", null, null, batch, null, shift, null, null, 0, null),
                "REST",
                "test");
    }

    /** Records an inspection under the line's current context, as the route does before quality:inspection. */
    InspectionEvent record(String station, Verdict verdict) {
        InspectionEvent base = LedgerTestSupport.event(UUID.randomUUID().toString(), verdict, null);
        InspectionEvent e = new InspectionEvent(
                        base.schemaVersion(),
                        base.id(),
                        station,
                        base.camera(),
                        "line-1",
                        Instant.now(),
                        Instant.now(),
                        base.model(),
                        verdict,
                        base.defects(),
                        base.anomalyScore(),
                        base.image(),
                        null,
                        null,
                        null,
                        base.latency())
                .withContext(store.at("line-1", Instant.now()));
        ledger.ledger.append(e, List.of());
        return e;
    }

    SignedDisposition sign(String type, String target, String disposition) {
        return ledger.dispositions.sign(
                "qa.lee",
                new DispositionRequest(
                        type, target, disposition, "checked", "APPROVED", null, "s3cret!", null, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void countsFromTheDatabaseThenEachInspectionAndDisposition(String db) {
        open(db);
        push("PO-1", "A", "LOT-1");
        record("st-1", Verdict.OK);
        InspectionEvent ngBefore = record("st-1", Verdict.NG);
        QualityRateService rates = service();

        QualityRateView loaded = rates.current("line-1", "st-1");
        assertThat(loaded.productionOrder()).isEqualTo("PO-1");
        assertThat(loaded.shift()).isEqualTo("A");
        assertThat(loaded.rate()).isEqualTo(new QualityRate(2, 1, 0, 0, 0));

        InspectionEvent ok = record("st-2", Verdict.OK);
        rates.onInspection(ok);
        rates.onInspection(ok); // heard twice: counted once
        InspectionEvent ng = record("st-2", Verdict.NG);
        rates.onInspection(ng);
        InspectionEvent uncertain = record("st-2", Verdict.UNCERTAIN);
        rates.onInspection(uncertain);
        assertThat(rates.current("line-1", "st-2").rate()).isEqualTo(new QualityRate(3, 1, 0, 0, 1));
        assertThat(rates.current("line-1", null).rate()).isEqualTo(new QualityRate(5, 2, 0, 0, 1));
        assertThat(heard).last().satisfies(v -> assertThat(v.station()).isNull());

        sign("INSPECTION", ng.id(), "USE_AS_IS"); // NG used as is: good
        sign("INSPECTION", uncertain.id(), "REWORK"); // rework is a quality loss
        sign("INSPECTION", ngBefore.id(), "REJECT");
        assertThat(rates.current("line-1", "st-2").rate()).isEqualTo(new QualityRate(3, 2, 1, 0, 0));
        assertThat(rates.current("line-1", "st-1").rate()).isEqualTo(new QualityRate(2, 1, 0, 1, 0));
        assertThat(rates.current("line-1", "st-2").rate().rate()).isEqualTo(2.0 / 3);

        // a later lot decision applies to the lot's parts recorded before it, OK ones included
        SignedDisposition lot = sign("LOT", "LOT-1", "REJECT");
        assertThat(rates.current("line-1", null).rate()).isEqualTo(new QualityRate(5, 0, 0, 5, 0));
        // a part recorded after the lot decision is not covered by it
        InspectionEvent after = record("st-2", Verdict.OK);
        rates.onInspection(after);
        assertThat(rates.current("line-1", "st-2").rate()).isEqualTo(new QualityRate(4, 1, 0, 3, 0));
        // the part's own later decision wins over the lot's
        ledger.dispositions.sign(
                "qa.lee",
                new DispositionRequest(
                        "INSPECTION", ok.id(), "ACCEPT", "re-measured", "APPROVED", null, "s3cret!", null, null, null));
        assertThat(rates.current("line-1", "st-2").rate()).isEqualTo(new QualityRate(4, 2, 0, 2, 0));
        assertThat(lot.targetCount()).isEqualTo(5);

        // memory and database agree, and a restarted hub loads the same figures
        QualityRate inMemory = rates.current("line-1", null).rate();
        assertThat(rates.computed("line-1", null, "PO-1", "A").rate()).isEqualTo(inMemory);
        assertThat(service().current("line-1", null).rate()).isEqualTo(inMemory);
    }

    @Test
    void aChangeoverStartsTheCountsAgainAndLateEventsOfTheOldOrderAreNotCounted() {
        push("PO-1", "A", "LOT-1");
        QualityRateService rates = service();
        InspectionEvent old = record("st-1", Verdict.NG);
        rates.onInspection(record("st-1", Verdict.OK)); // loads both from the database, the event is not counted again
        assertThat(rates.current("line-1", null).rate()).isEqualTo(new QualityRate(2, 1, 0, 0, 0));

        push("PO-1", "B", "LOT-1"); // shift change, same order
        assertThat(rates.current("line-1", "st-1").shift()).isEqualTo("B");
        assertThat(rates.current("line-1", "st-1").rate()).isEqualTo(QualityRate.NONE);
        rates.onInspection(old); // captured in shift A, heard late: not this shift's
        assertThat(rates.current("line-1", null).rate()).isEqualTo(QualityRate.NONE);
        rates.onInspection(record("st-1", Verdict.OK));
        assertThat(rates.current("line-1", null).rate()).isEqualTo(new QualityRate(1, 1, 0, 0, 0));

        heard.clear();
        push("PO-2", "B", "LOT-2");
        rates.refresh(); // a changeover with no inspection: listeners hear the counts start again
        assertThat(heard).anySatisfy(v -> {
            assertThat(v.station()).isEqualTo("st-1");
            assertThat(v.productionOrder()).isEqualTo("PO-2");
            assertThat(v.rate()).isEqualTo(QualityRate.NONE);
        });
        // a disposition of a part of another order changes nothing now, but shows in that order's figures
        sign("INSPECTION", old.id(), "USE_AS_IS");
        assertThat(rates.current("line-1", null).rate()).isEqualTo(QualityRate.NONE);
        assertThat(rates.computed("line-1", null, "PO-1", "A").rate()).isEqualTo(new QualityRate(2, 2, 0, 0, 0));

        store.end("line-1", 0, null, "REST", "test");
        QualityRateView ended = rates.current("line-1", null);
        assertThat(ended.productionOrder()).isNull();
        assertThat(ended.rate().rate()).isNaN();
    }
}
