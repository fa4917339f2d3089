package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ResultManagement's ledger queries on H2 and PostgreSQL: by id, by station/part/product/model, paged and capped. */
class LedgerResultSourceTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void readsRecordedResultsByIdAndFilterInBoundedPages(String db) throws Exception {
        String schema = null;
        HikariDataSource ds;
        if ("postgres".equals(db)) {
            assumeTrue(LedgerTestSupport.postgresAvailable(), "PostgreSQL not reachable on 127.0.0.1:5432");
            schema = LedgerTestSupport.uniqueSchema();
            ds = LedgerTestSupport.postgres(schema);
        } else {
            ds = LedgerTestSupport.h2(dir);
        }
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, LedgerTestSupport.props(dir));
        try {
            List<InspectionEvent> events = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                InspectionEvent e =
                        TestEvents.event(i % 10 == 9 ? "st-b" : "st-a", "P-" + (i % 5), InspectionEvent.Verdict.OK);
                ledger.append(e, List.of());
                events.add(e);
            }
            LedgerResultSource source = new LedgerResultSource(ds);
            InspectionEvent first = events.get(0);
            MachineVisionResult r = source.byId("st-a", first.id()).orElseThrow();
            assertThat(r.partId()).isEqualTo("P-0");
            assertThat(r.content().get(1)).contains(first.id());
            assertThat(source.byId("st-b", first.id())).isEmpty();

            // 108 results of st-a; a page asks for 500 and gets the cap
            LedgerResultSource.Page page =
                    source.list(new LedgerResultSource.Filter("st-a", null, null, null, null, 0, 500));
            assertThat(page.results()).hasSize(LedgerResultSource.MAX_PAGE);
            assertThat(page.complete()).isFalse();
            LedgerResultSource.Page rest = source.list(
                    new LedgerResultSource.Filter("st-a", null, null, null, null, LedgerResultSource.MAX_PAGE, 500));
            assertThat(rest.complete()).isTrue();
            assertThat(page.results().size() + rest.results().size()).isEqualTo(108);

            assertThat(source.list(new LedgerResultSource.Filter("st-a", "P-0", null, null, null, 0, 100))
                            .results())
                    .allMatch(x -> "P-0".equals(x.partId()))
                    .hasSize(24);
            assertThat(source.list(new LedgerResultSource.Filter("st-a", null, "WIDGET-A", "demo-anomaly", null, 0, 10))
                            .results())
                    .hasSize(10);
            assertThat(source.list(new LedgerResultSource.Filter("st-a", null, null, "other-model", null, 0, 10))
                            .results())
                    .isEmpty();
            assertThat(source.list(new LedgerResultSource.Filter("st-a", null, null, null, first.id(), 0, 10))
                            .results())
                    .extracting(MachineVisionResult::resultId)
                    .containsExactly(first.id());
        } finally {
            ledger.close();
            if (schema != null) {
                LedgerTestSupport.dropSchema(ds, schema);
            }
            ds.close();
        }
    }
}
