package io.visionhub.inputs.mqtt;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.ledger.JdbcInspectionLedger;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The duplicate check as a route Predicate refuses a body that is not an inspection event, naming what it got. */
class RecordedInspectionsTest {

    @Test
    void aBodyThatIsNotAnEventIsRefusedByName() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:recorded-inspections-test");
        RecordedInspections check = new RecordedInspections(ds, (JdbcInspectionLedger) null);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            DefaultExchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody("{\"id\":\"x\"}");
            assertThatThrownBy(() -> check.matches(exchange))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("recordedInspections")
                    .hasMessageContaining("java.lang.String");
            exchange.getMessage().setBody(null);
            assertThatThrownBy(() -> check.matches(exchange))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("got null");
        }
    }
}
