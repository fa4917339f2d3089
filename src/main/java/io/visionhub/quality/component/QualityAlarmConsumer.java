package io.visionhub.quality.component;

import io.visionhub.quality.alarm.AlarmService;
import io.visionhub.quality.alarm.QualityAlarm;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code from: quality:alarms}: one exchange per alarm raised or cleared, on the alarm service's thread after the
 * ledger holds the change, so routes see them in order. A failed exchange goes to the consumer's exception handler
 * (logged); the alarm stays in the ledger, the alarm table and the API.
 */
public class QualityAlarmConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(QualityAlarmConsumer.class);
    private static final Pattern NOT_A_LEVEL = Pattern.compile("[/+#\\u0000\\s]");

    private final Consumer<QualityAlarm> listener = this::emit;
    private AlarmService alarms;

    public QualityAlarmConsumer(QualityEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public QualityEndpoint getEndpoint() {
        return (QualityEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        alarms = getEndpoint().getComponent().alarms();
        if (alarms == null) {
            LOG.info("quality:alarms: no alarm service (visionhub.quality.spc.enabled=false): no alarms to route");
            return;
        }
        alarms.addListener(listener);
    }

    @Override
    protected void doStop() throws Exception {
        if (alarms != null) {
            alarms.removeListener(listener);
        }
        super.doStop();
    }

    /** The line as one MQTT topic level, then /alarms. */
    static String topic(String line) {
        String level = line == null || line.isBlank()
                ? "_"
                : NOT_A_LEVEL.matcher(line.strip()).replaceAll("_");
        return level + "/alarms";
    }

    private void emit(QualityAlarm alarm) {
        Exchange exchange = createExchange(false);
        exchange.getMessage().setBody(alarm);
        exchange.getMessage().setHeader(QualityConstants.ALARM_STATE, alarm.active() ? "RAISED" : "CLEARED");
        exchange.getMessage().setHeader(QualityConstants.ALARM_TOPIC, topic(alarm.line()));
        exchange.getMessage()
                .setHeader(
                        QualityConstants.LINE_ACTIVE,
                        alarm.line() == null
                                ? alarms.active().stream()
                                        .filter(a -> a.line() == null)
                                        .toList()
                                : alarms.active(alarm.line()));
        try {
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            getExceptionHandler()
                    .handleException(
                            "Publishing quality alarm " + alarm.id() + " (" + alarm.rule() + ") failed (it is in the "
                                    + "ledger, the alarm table and GET /api/quality/alarms)",
                            exchange,
                            exchange.getException());
        }
        releaseExchange(exchange, false);
    }
}
