package io.visionhub.plc.component;

import io.visionhub.plc.PlcHandshake;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * One station's PLC handshake: as a consumer the station's triggers (one exchange each, in trigger order), as a
 * producer its results (the inspection event in the body, written before the part's deadline).
 */
@UriEndpoint(
        firstVersion = "1.0.0",
        scheme = "plc",
        title = "PLC handshake",
        syntax = "plc:station",
        category = {Category.IOT},
        headersClass = PlcConstants.class)
public class PlcEndpoint extends DefaultEndpoint {

    @UriPath(description = "Station id, as mapped in visionhub.plc.stations")
    private final String station;

    public PlcEndpoint(String uri, PlcComponent component, String station) {
        super(uri, component);
        this.station = station;
    }

    @Override
    public PlcComponent getComponent() {
        return (PlcComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new PlcProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        PlcConsumer consumer = new PlcConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    public String getStation() {
        return station;
    }

    /** The handshake of this station's PLC; null when the hub has no PLC for it. */
    PlcHandshake handshake() {
        return getComponent().getHandshakes() == null
                ? null
                : getComponent().getHandshakes().forStation(station);
    }
}
