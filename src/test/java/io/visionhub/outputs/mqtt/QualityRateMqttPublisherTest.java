package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.quality.oee.QualityRate;
import io.visionhub.quality.oee.QualityRates.QualityRateView;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A rate that changes with every part goes out at most once per interval per topic, and its last value always. */
class QualityRateMqttPublisherTest {

    final List<String[]> sent = new CopyOnWriteArrayList<>();
    final MqttEventPublisher recording = new MqttEventPublisher(null, new MqttTopics("visionhub", "s1"), 1, false) {
        @Override
        public void publishRetained(String topic, String json) {
            sent.add(new String[] {topic, json});
        }
    };

    static QualityRateView view(String station, long good, long total) {
        return new QualityRateView("line-1", station, "PO-1", "A", new QualityRate(total, good, 0, 0, 0));
    }

    @Test
    void manyChangesWithinTheIntervalSendTheFirstAndThenTheLast() throws Exception {
        QualityRateMqttPublisher publisher =
                new QualityRateMqttPublisher(recording, Duration.ofHours(1), Clock.systemUTC());
        publisher.changed(view("st-1", 1, 1));
        publisher.changed(view(null, 1, 1));
        while (sent.size() < 2) {
            Thread.sleep(10); // the first value of each topic goes out on the next tick
        }
        for (int i = 2; i <= 50; i++) {
            publisher.changed(view("st-1", i, i));
        }
        publisher.flush();
        assertThat(sent).as("within the interval nothing more goes out").hasSize(2);
        assertThat(sent.stream().map(s -> s[0]))
                .containsExactlyInAnyOrder("visionhub/s1/line-1/st-1/quality-rate", "visionhub/s1/line-1/quality-rate");

        publisher.close();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(2)[0]).isEqualTo("visionhub/s1/line-1/st-1/quality-rate");
        assertThat(sent.get(2)[1]).contains("\"total\":50").contains("\"qualityRate\":1.0");
    }

    @Test
    void aZeroOrNegativeIntervalIsRefusedNamingTheSetting() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), null}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> new QualityRateMqttPublisher(recording, bad, Clock.systemUTC()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("visionhub.quality.rate.mqtt-interval must be a positive duration");
        }
    }
}
