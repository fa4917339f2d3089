package io.visionhub.plc.component;

import io.visionhub.event.PartTrigger;
import io.visionhub.plc.PlcHandshake;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exchange per trigger of the station's PLC: the body is the {@link PartTrigger} (station, part id, cycle,
 * trigger time, deadline), the same in {@link PlcConstants} headers. Exchanges come one at a time, in trigger order,
 * on the handshake's trigger thread: a route that takes longer than the PLC cycle delays the next trigger, never
 * reorders it. A part whose route fails gets the fail-safe at its deadline.
 */
public class PlcConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(PlcConsumer.class);

    private final PlcEndpoint endpoint;
    private AutoCloseable registration;

    public PlcConsumer(PlcEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        PlcHandshake handshake = endpoint.handshake();
        if (handshake == null) {
            throw new IllegalStateException("plc:" + endpoint.getStation() + ": no PLC maps station "
                    + endpoint.getStation() + "; set visionhub.plc.enabled=true and map it under "
                    + "visionhub.plc.stations." + endpoint.getStation() + " (docs/plc.md)");
        }
        registration = handshake.onTriggers(endpoint.getStation(), this::trigger);
        LOG.info("plc:{}: taking the station's PLC triggers", endpoint.getStation());
    }

    @Override
    protected void doStop() throws Exception {
        if (registration != null) {
            registration.close();
            registration = null;
        }
        super.doStop();
    }

    private void trigger(PartTrigger t) {
        Exchange exchange = createExchange(false);
        try {
            Message in = exchange.getIn();
            in.setBody(t);
            in.setHeader(PlcConstants.STATION, t.station());
            in.setHeader(PlcConstants.PART_ID, t.partId());
            in.setHeader(PlcConstants.CYCLE, t.cycle());
            in.setHeader(PlcConstants.TRIGGERED_AT, t.triggeredAt());
            in.setHeader(PlcConstants.DEADLINE, t.deadline());
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            getExceptionHandler()
                    .handleException(
                            "plc:" + endpoint.getStation() + ": route failed for the trigger of part " + t.partId()
                                    + " (the fail-safe applies at its deadline " + t.deadline() + ")",
                            exchange,
                            exchange.getException());
        }
        releaseExchange(exchange, false);
    }
}
