package io.visionhub.quality.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.quality.QualityFeed;
import io.visionhub.quality.QualityListener;
import io.visionhub.quality.alarm.AlarmService;
import io.visionhub.quality.alarm.AlarmSource;
import io.visionhub.quality.alarm.QualityAlarm;
import io.visionhub.quality.spc.NelsonRule;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/**
 * {@code from: quality:alarms}: each raise and clear, once the ledger holds it, in order, with its state, the line's
 * topic level and the line's active set; the endpoint refuses the wrong direction.
 */
class QualityAlarmsEndpointTest {

    @TempDir
    Path dir;

    @Test
    void eachRaiseAndClearReachesTheRouteAfterItsLedgerRecord() throws Exception {
        try (LedgerFixture fx = new LedgerFixture(dir);
                AlarmService alarms = new AlarmService(fx.ledger, fx.ds, Clock.systemUTC());
                DefaultCamelContext camel = new DefaultCamelContext()) {
            DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
            camel.getRegistry()
                    .bind(
                            "feed",
                            new QualityFeed(
                                    beans.getBeanProvider(QualityListener.class),
                                    beans.getBeanProvider(DispositionService.class)));
            camel.getRegistry().bind("alarms", alarms);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("quality:alarms").to("mock:alarms");
                }
            });
            camel.start();
            MockEndpoint mock = camel.getEndpoint("mock:alarms", MockEndpoint.class);
            mock.expectedMessageCount(2);

            AlarmSource source = new AlarmSource("line/1", "station-1", "p", null);
            alarms.evaluated(source, Set.of(NelsonRule.RULE_1), 1, r -> "beyond", Map.of("count", 6));
            // the next subgroup comes later (the active set sent with a change is the line's set when it is sent)
            alarms.awaitRecorded(10_000);
            alarms.evaluated(source, Set.of(), 1, r -> "beyond", Map.of());
            alarms.awaitRecorded(10_000);
            mock.assertIsSatisfied(10_000);

            List<Exchange> got = mock.getReceivedExchanges();
            QualityAlarm raised = got.get(0).getMessage().getBody(QualityAlarm.class);
            assertThat(raised.ledgerSeq()).as("recorded before it is routed").isNotNull();
            assertThat(got.get(0).getMessage().getHeader(QualityConstants.ALARM_STATE))
                    .isEqualTo("RAISED");
            assertThat(got.get(0).getMessage().getHeader(QualityConstants.ALARM_TOPIC))
                    .as("the line as one topic level")
                    .isEqualTo("line_1/alarms");
            assertThat(got.get(0).getMessage().getHeader(QualityConstants.LINE_ACTIVE, List.class))
                    .containsExactly(raised);
            QualityAlarm cleared = got.get(1).getMessage().getBody(QualityAlarm.class);
            assertThat(cleared.id()).isEqualTo(raised.id());
            assertThat(cleared.cleared()).isNotNull();
            assertThat(got.get(1).getMessage().getHeader(QualityConstants.ALARM_STATE))
                    .isEqualTo("CLEARED");
            assertThat(got.get(1).getMessage().getHeader(QualityConstants.LINE_ACTIVE, List.class))
                    .isEmpty();
        }
    }

    @Test
    void theEndpointsRefuseTheWrongDirection() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
            camel.getRegistry()
                    .bind(
                            "feed",
                            new QualityFeed(
                                    beans.getBeanProvider(QualityListener.class),
                                    beans.getBeanProvider(DispositionService.class)));
            camel.start();
            assertThatThrownBy(() -> camel.getEndpoint("quality:alarms").createProducer())
                    .hasMessageContaining("quality:alarms gives alarms to a route (from:)");
            assertThatThrownBy(() -> camel.addRoutes(new RouteBuilder() {
                        @Override
                        public void configure() {
                            from("quality:inspection").to("mock:x");
                        }
                    }))
                    .isInstanceOf(FailedToStartRouteException.class)
                    .hasStackTraceContaining("alarms come from: quality:alarms");
        }
    }
}
