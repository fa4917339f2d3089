package io.visionhub.outputs.mqtt;

import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.event.EventJson;
import io.visionhub.quality.oee.QualityRateDocument;
import io.visionhub.quality.oee.QualityRates.QualityRateView;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the OEE quality rate of each line and station as a retained JSON document
 * ({@code <root>/<site>/<line>/quality-rate}, {@code <root>/<site>/<line>/<station>/quality-rate}). A rate changes
 * with every part; each topic is published at most once per {@code interval}, and the last value always goes out
 * (a change within the interval is sent when it ends).
 */
public class QualityRateMqttPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QualityRateMqttPublisher.class);

    private final MqttEventPublisher mqtt;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, QualityRateView> waiting = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSent = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    public QualityRateMqttPublisher(MqttEventPublisher mqtt, Duration interval, Clock clock) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("visionhub.quality.rate.mqtt-interval must be a positive duration such "
                    + "as 1s (the least time between two publications of one topic), got " + interval);
        }
        this.mqtt = mqtt;
        this.interval = interval;
        this.clock = clock;
        this.timer = SingleThreadExecutors.scheduled(null, this, "quality-rate-mqtt");
        long tick = Math.max(10, Math.min(200, interval.toMillis() / 5));
        timer.scheduleWithFixedDelay(this::flush, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** A new value of a line's or station's rate: kept until its topic may be published again. */
    public void changed(QualityRateView v) {
        waiting.put(mqtt.topics().qualityRate(v.line(), v.station()), v);
    }

    /** The topic of a line's ({@code station} null) or station's rate. */
    public String topic(String line, String station) {
        return mqtt.topics().qualityRate(line, station);
    }

    void flush() {
        flush(false);
    }

    private void flush(boolean all) {
        long now = System.nanoTime();
        for (String topic : waiting.keySet()) {
            Long last = lastSent.get(topic);
            if (!all && last != null && now - last < interval.toNanos()) {
                continue;
            }
            QualityRateView v = waiting.remove(topic);
            if (v == null) {
                continue;
            }
            try {
                mqtt.publishRetained(
                        topic, EventJson.mapper().writeValueAsString(QualityRateDocument.of(v, clock.instant())));
                lastSent.put(topic, now);
            } catch (Exception e) {
                LOG.warn("quality rate of {} not published to MQTT: {}", topic, e.toString());
            }
        }
    }

    /** Stops the timer and sends the values still waiting (the last value always goes out). */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush(true);
    }
}
