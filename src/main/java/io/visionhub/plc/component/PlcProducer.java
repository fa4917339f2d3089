package io.visionhub.plc.component;

import io.visionhub.event.InspectionEvent;
import io.visionhub.plc.PlcHandshake;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the inspection result in the body (an {@link InspectionEvent}, recorded by the ledger before this step) to
 * the station's PLC, under the event's part id, within the part's deadline; else the fail-safe applies (docs/plc.md).
 * Blocks at most until the deadline, not at all while the PLC is known down. The body is kept; the outcome is in
 * {@link PlcConstants#OUTCOME}. Without a PLC for the station the exchange passes (outcome UNMAPPED).
 */
public class PlcProducer extends DefaultProducer {

    private static final Logger LOG = LoggerFactory.getLogger(PlcProducer.class);

    private final PlcEndpoint endpoint;
    private volatile boolean unmappedLogged;

    public PlcProducer(PlcEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        InspectionEvent event = exchange.getIn().getMandatoryBody(InspectionEvent.class);
        if (!endpoint.getStation().equals(event.station())) {
            throw new IllegalArgumentException("plc:" + endpoint.getStation() + " got the result of station "
                    + event.station() + " (inspection " + event.id() + "); write it to plc:" + event.station()
                    + " (or plc:${header.CamelVisionStation})");
        }
        PlcHandshake handshake = endpoint.handshake();
        PlcHandshake.Outcome outcome = handshake == null ? PlcHandshake.Outcome.UNMAPPED : handshake.writeResult(event);
        if (outcome == PlcHandshake.Outcome.UNMAPPED
                && !unmappedLogged
                && endpoint.getComponent().getHandshakes() != null) {
            // (a hub without PLCs, as the demo: every station passes, nothing to warn about)
            unmappedLogged = true;
            LOG.warn(
                    "plc:{}: no PLC maps this station (visionhub.plc.stations); results pass without a PLC write",
                    endpoint.getStation());
        }
        exchange.getIn().setHeader(PlcConstants.OUTCOME, outcome.name());
    }
}
