package io.visionhub.outputs.opcua.station;

import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.InspectionEventBody;
import io.visionhub.outputs.opcua.HubOpcUaServer;
import io.visionhub.outputs.opcua.StationNamespace;
import io.visionhub.quality.alarm.QualityAlarm;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.support.DefaultProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes the event in the body into its station's nodes; the namespace does the OPC UA work. */
public class OpcUaStationProducer extends DefaultProducer {

    private static final Logger LOG = LoggerFactory.getLogger(OpcUaStationProducer.class);

    public OpcUaStationProducer(OpcUaStationEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public OpcUaStationEndpoint getEndpoint() {
        return (OpcUaStationEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (getEndpoint().getComponent().getServer() == null) {
            LOG.info(
                    "opcua-station:{}: OPC UA server off (visionhub.opcua.enabled=false): events pass through",
                    getEndpoint().getStation());
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String station = getEndpoint().getStation();
        if ("alarm".equals(getEndpoint().getPublish())) {
            fireAlarm(exchange, station);
            return;
        }
        InspectionEvent event =
                InspectionEventBody.require(exchange, "opcua-station:" + station + " writes inspection results");
        if (!station.equals(event.station())) {
            throw new IllegalArgumentException("inspection event " + event.id() + " is of station '" + event.station()
                    + "', not of opcua-station:" + station + " (use toD: opcua-station:${body.station} in a route "
                    + "shared by stations)");
        }
        HubOpcUaServer server = getEndpoint().getComponent().getServer();
        StationNamespace ns = server == null ? null : server.namespace();
        if (ns != null) {
            ns.publish(event);
        }
    }

    private void fireAlarm(Exchange exchange, String station) throws Exception {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof QualityAlarm alarm)) {
            throw new InvalidPayloadException(
                    exchange,
                    QualityAlarm.class,
                    exchange.getMessage(),
                    new IllegalArgumentException(
                            "opcua-station:" + station + "?publish=alarm fires quality alarms: " + "the body is "
                                    + (body == null ? "empty" : body.getClass().getName())));
        }
        if (!station.equals(alarm.station())) {
            throw new IllegalArgumentException("quality alarm " + alarm.id() + " is of station '" + alarm.station()
                    + "', not of opcua-station:" + station + " (use toD: opcua-station:${body.station}?publish=alarm)");
        }
        HubOpcUaServer server = getEndpoint().getComponent().getServer();
        StationNamespace ns = server == null ? null : server.namespace();
        if (ns != null) {
            ns.fireAlarmEvent(station, alarm.id(), alarm.active(), alarm.severity(), alarm.rule(), alarm.message());
        }
    }
}
