package io.visionhub.quality.ncr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visionhub.enterprise.TestEvents;
import io.visionhub.event.EventIds;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.simulators.EnterpriseSimulators;
import io.visionhub.simulators.SimulatedDocuments;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * An NCR raised in Maximo (a work order) and Oracle Fusion (a quality issue) through the outbox, against their
 * simulators: one document per NCR in each, however many parts come (neither contract has item lines: the parts stay
 * items of the NCR in the hub), each mapped by the demo customer's {@code maximo-ncr} and {@code oracle-qi-ncr}.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "visionhub.routes.dir=target/ncr-maximo-oracle-test-no-routes",
            "visionhub.broker.enabled=false",
            "visionhub.mqtt.enabled=false",
            "visionhub.opcua.enabled=false",
            "visionhub.vision.demo-model.enabled=false",
            "visionhub.enterprise.sync.enabled=false",
            "visionhub.enterprise.outbox.poll-interval=50ms",
            "visionhub.enterprise.outbox.initial-backoff=100ms",
            "visionhub.quality.ncr.targets=maximo,oracle-qi",
            "visionhub.quality.ncr.threshold=3",
            "visionhub.quality.ncr.window=10m",
        })
@ActiveProfiles("isolated")
@DirtiesContext
class NcrMaximoOracleTest {

    @Autowired
    JdbcInspectionLedger ledger;

    @Autowired
    NcrService ncrs;

    @Autowired
    EnterpriseSimulators sims;

    final Instant t0 = Instant.parse("2026-12-05T06:00:00Z");

    InspectionEvent ng(String order, int second) {
        InspectionEvent e = TestEvents.ng(EventIds.newId(), "station-1", "crack", t0.plusSeconds(second), order);
        ledger.append(e, List.of());
        ncrs.onInspection(e); // what quality:inspection does after ledger:record
        return e;
    }

    static List<SimulatedDocuments.Document> mentioning(SimulatedDocuments docs, String field, String text) {
        return docs.all().stream()
                .filter(d -> String.valueOf(d.fields().get(field)).contains(text))
                .toList();
    }

    @Test
    void sixPartsOfOneClassAreOneMaximoWorkOrderAndOneOracleQualityIssue() {
        String order = "000009990001";
        for (int i = 0; i < 6; i++) {
            ng(order, i * 10);
        }
        ncrs.flush();
        List<Ncr> list = ncrs.repository().list(null, order, null, 10);
        assertThat(list)
                .singleElement()
                .satisfies(n -> assertThat(n.itemCount()).isEqualTo(6));
        String id = list.get(0).id();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> ncrs.repository().documents(id).stream()
                                .filter(d -> "DELIVERED".equals(d.status()))
                                .count()
                        == 2);
        assertThat(ncrs.repository().documents(id))
                .extracting(Ncr.Document::target)
                .containsExactlyInAnyOrder("maximo", "oracle-qi");

        assertThat(mentioning(sims.maximo().workOrders(), "description", order))
                .as("one Maximo work order for the order and class, not one per part")
                .singleElement()
                .satisfies(wo -> {
                    assertThat(wo.fields().get("description")).asString().contains("crack");
                    assertThat(wo.fields().get("description_longdescription"))
                            .asString()
                            .contains(id);
                    assertThat(wo.fields().get("assetnum")).isEqualTo("11430");
                });
        assertThat(mentioning(sims.oracle().qualityIssues(), "Name", order))
                .as("one Oracle quality issue for the order and class")
                .singleElement()
                .satisfies(qi -> assertThat(qi.fields().get("Name")).asString().contains("NCR crack " + order));
    }
}
