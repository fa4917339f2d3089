package io.visionhub.outputs.opcua.station;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * One station's object on the hub's OPC UA server: {@code opcua-station:station-1}. The producer takes an
 * {@link io.visionhub.event.InspectionEvent} body (already recorded by the ledger), writes it into the station's
 * nodes (ProductionContext, Counters, LastResult, ResultManagement/Results/LastResult, SystemState) and fires the
 * station's ResultReady event; the body passes on unchanged. A route shared by several stations uses
 * {@code toD: opcua-station:${body.station}}. With {@code publish=alarm} the body is a
 * {@link io.visionhub.quality.alarm.QualityAlarm} of the station, fired as a quality alarm event from the station's
 * object (raised or cleared).
 */
@UriEndpoint(
        firstVersion = "1.0.0",
        scheme = "opcua-station",
        title = "OPC UA station (hub's server)",
        syntax = "opcua-station:station",
        producerOnly = true,
        category = {Category.IOT})
public class OpcUaStationEndpoint extends DefaultEndpoint {

    @UriPath(
            description = "Station id: the station object Objects/VisionHub/Stations/<station> whose nodes are "
                    + "written; an event of another station is refused")
    @Metadata(required = true)
    private String station;

    @UriParam(
            description = "What the body is: result (an InspectionEvent written into the station's nodes, with its "
                    + "ResultReady event) or alarm (a QualityAlarm of the station, fired as an event)",
            defaultValue = "result",
            enums = "result,alarm")
    private String publish = "result";

    public OpcUaStationEndpoint(String uri, OpcUaStationComponent component) {
        super(uri, component);
    }

    @Override
    public OpcUaStationComponent getComponent() {
        return (OpcUaStationComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new OpcUaStationProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("opcua-station:" + station + " only writes (to:); OPC UA clients read "
                + "the station's nodes from the hub's server");
    }

    public String getPublish() {
        return publish;
    }

    /** result (an InspectionEvent) or alarm (a QualityAlarm). */
    public void setPublish(String publish) {
        if (!"result".equals(publish) && !"alarm".equals(publish)) {
            throw new IllegalArgumentException("opcua-station:" + station + ": publish=" + publish
                    + " is not what it publishes; use publish=result (default) or publish=alarm");
        }
        this.publish = publish;
    }

    public String getStation() {
        return station;
    }

    public void setStation(String station) {
        this.station = station;
    }
}
