package io.visionhub.context.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.context.ContextEnricher;
import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code context:enrich} as a route step: the enricher found by type gives the event its context (here none: the
 * line has no context, so MISSING); a body that is not an InspectionEvent fails the exchange, naming the step;
 * an unknown action is refused when the route is built. ContextChangeoverTest runs it with a real store.
 */
class ContextComponentTest {

    CamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() {
        camel.stop();
    }

    void start(ContextEnricher enricher) throws Exception {
        if (enricher != null) {
            camel.getRegistry().bind("someEnricher", enricher);
        }
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").to("context:enrich");
            }
        });
        camel.start();
    }

    @Test
    void anEventOfALineWithoutContextIsMarkedMissingAndCounted() throws Exception {
        ContextEnricher enricher = new ContextEnricher(null);
        start(enricher);
        InspectionEvent out = camel.createProducerTemplate()
                .requestBody(
                        "direct:in",
                        TestEvents.event("st-1", "P-1", InspectionEvent.Verdict.OK),
                        InspectionEvent.class);
        assertThat(out.contextStatus()).isEqualTo(InspectionEvent.ContextStatus.MISSING);
        assertThat(enricher.missingCount()).isEqualTo(1);
    }

    @Test
    void aBodyThatIsNotAnInspectionEventFailsTheExchangeNamingTheStep() throws Exception {
        ContextEnricher enricher = new ContextEnricher(null);
        start(enricher);
        Exchange ex = camel.createProducerTemplate()
                .request("direct:in", x -> x.getMessage().setBody("{\"station\":\"st-1\"}"));
        assertThat(ex.getException()).isInstanceOf(InvalidPayloadException.class);
        assertThat(ex.getException().getCause().getMessage())
                .contains("context:enrich")
                .contains("java.lang.String");
        assertThat(enricher.missingCount()).isZero();
    }

    @Test
    void anUnknownActionIsRefusedWhenTheRouteStarts() {
        camel.getRegistry().bind("someEnricher", new ContextEnricher(null));
        camel.start();
        assertThatThrownBy(() -> camel.getEndpoint("context:lookup")).hasStackTraceContaining("use context:enrich");
    }

    @Test
    void withoutAnEnricherTheComponentSaysWhatIsMissing() {
        assertThatThrownBy(() -> start(null)).hasStackTraceContaining("no ContextEnricher in the registry");
    }
}
