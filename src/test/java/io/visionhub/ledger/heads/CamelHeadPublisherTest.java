package io.visionhub.ledger.heads;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CamelHeadPublisherTest {

    final SignedTreeHead head = new SignedTreeHead(10, "ab".repeat(32), Instant.parse("2026-11-25T02:00:00Z"),
            "0123456789abcdef", "Ed25519", "c2ln");

    @Test
    void headsGoToDirectTreeHeadsOnlyWhenARouteConsumesIt() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            CamelHeadPublisher publisher = new CamelHeadPublisher(camel, "direct:tree-heads");
            publisher.accept(head); // no route: nothing sent, no error

            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:tree-heads").routeId("heads-to-mqtt").to("mock:mqtt");
                }
            });
            MockEndpoint mqtt = camel.getEndpoint("mock:mqtt", MockEndpoint.class);
            mqtt.expectedMessageCount(1);
            publisher.accept(head);
            mqtt.assertIsSatisfied();
            String json = mqtt.getExchanges().get(0).getMessage().getBody(String.class);
            assertThat(json).contains("\"treeSize\":10", "\"keyId\":\"0123456789abcdef\"", "\"signature\":\"c2ln\"");
        }
    }
}
