package io.visionhub.flow;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.InspectionLedger;
import io.visionhub.ledger.LedgerReceipt;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LedgerRecordStepTest {

    final List<List<DeliveryRequest>> recorded = new ArrayList<>();
    final InspectionLedger ledger = (event, deliveries) -> {
        recorded.add(deliveries);
        return new LedgerReceipt(42, "ab".repeat(32));
    };
    final LedgerRecordStep step = new LedgerRecordStep(ledger, new SimpleMeterRegistry());

    @Test
    void recordsTheEventWithItsDeliveriesAndSetsTheSequenceHeader() throws Exception {
        Exchange ex = new DefaultExchange(new DefaultCamelContext());
        InspectionEvent e = io.visionhub.ledger.LedgerTestSupport.event();
        List<DeliveryRequest> d = List.of(new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", e.id()));
        ex.getMessage().setHeader(InspectionLedger.HEADER_DELIVERIES, d);
        assertThat(step.record(e, ex)).isSameAs(e);
        assertThat(ex.getMessage().getHeader(InspectionLedger.HEADER_SEQUENCE)).isEqualTo(42L);
        assertThat(recorded).containsExactly(d);
    }

    @Test
    void aBodyThatIsNotAnInspectionEventIsRefused() {
        Exchange ex = new DefaultExchange(new DefaultCamelContext());
        assertThatThrownBy(() -> step.record("not an event", ex)).isInstanceOf(InvalidPayloadException.class);
        assertThat(recorded).isEmpty();
    }
}
