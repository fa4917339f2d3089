package io.visionhub.quality.component;

import io.visionhub.outputs.InspectionEventBody;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/** Hands the recorded inspection to the quality feed; listeners only update memory, so this does not wait. */
public class QualityProducer extends DefaultProducer {

    public QualityProducer(QualityEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public QualityEndpoint getEndpoint() {
        return (QualityEndpoint) super.getEndpoint();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        getEndpoint()
                .getComponent()
                .getFeed()
                .inspection(InspectionEventBody.require(exchange, "quality:inspection takes recorded inspections"));
    }
}
