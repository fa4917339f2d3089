package io.visionhub.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.quality.component.QualityComponent;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/** {@code quality:inspection} hands recorded inspections to every listener; one failing listener stops no other. */
class QualityFeedTest {

    final List<String> heard = new ArrayList<>();

    QualityFeed feed(QualityListener... listeners) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        for (int i = 0; i < listeners.length; i++) {
            beans.registerSingleton("listener" + i, listeners[i]);
        }
        ObjectProvider<QualityListener> provider = beans.getBeanProvider(QualityListener.class);
        return new QualityFeed(provider, beans.getBeanProvider(DispositionService.class));
    }

    @Test
    void everyListenerHearsTheInspectionEvenAfterOneFails() throws Exception {
        QualityListener failing = new QualityListener() {
            @Override
            public void onInspection(InspectionEvent e) {
                throw new IllegalStateException("screen gone");
            }
        };
        QualityListener counting = new QualityListener() {
            @Override
            public void onInspection(InspectionEvent e) {
                heard.add(e.id());
            }
        };
        QualityFeed feed = feed(failing, counting);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            QualityComponent component = new QualityComponent();
            component.setFeed(feed);
            camel.addComponent("quality", component);
            camel.start();
            ProducerTemplate template = camel.createProducerTemplate();
            InspectionEvent event = LedgerTestSupport.event();
            Object out = template.requestBody("quality:inspection", event);
            assertThat(out).as("the body passes on unchanged").isSameAs(event);
            assertThat(heard).containsExactly(event.id());

            assertThatThrownBy(() -> template.requestBody("quality:inspection", "{\"id\":\"x\"}"))
                    .isInstanceOf(CamelExecutionException.class)
                    .hasCauseInstanceOf(InvalidPayloadException.class)
                    .hasStackTraceContaining("quality:inspection takes recorded inspections")
                    .hasStackTraceContaining("java.lang.String");
            assertThat(heard).hasSize(1);

            assertThatThrownBy(() -> camel.getEndpoint("quality:disposition"))
                    .isInstanceOf(ResolveEndpointFailedException.class)
                    .hasStackTraceContaining("use quality:inspection");
        }
    }

    @Test
    void afterStartTheListenersAreLookedUpOnceAndStillAllHearInOrder() {
        List<String> order = new ArrayList<>();
        QualityListener first = new QualityListener() {
            @Override
            public void onInspection(InspectionEvent e) {
                order.add("first " + e.id());
            }
        };
        QualityListener second = new QualityListener() {
            @Override
            public void onInspection(InspectionEvent e) {
                order.add("second " + e.id());
            }
        };
        QualityFeed feed = feed(first, second);
        List<QualityListener> before = feed.listeners();
        feed.afterSingletonsInstantiated(); // what Spring calls once every singleton exists
        assertThat(feed.listeners()).containsExactlyElementsOf(before);
        assertThat(feed.listeners())
                .as("the same list each time, no new look-up")
                .isSameAs(feed.listeners());

        InspectionEvent a = LedgerTestSupport.event();
        InspectionEvent b = LedgerTestSupport.event();
        feed.inspection(a);
        feed.inspection(b);
        assertThat(order).containsExactly("first " + a.id(), "second " + a.id(), "first " + b.id(), "second " + b.id());
    }
}
