package io.visionhub.onvif.component;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code onvif-events:} component: {@code onvif-events:<camera>?address=host:port&username=...} subscribes to the
 * camera's ONVIF events (PullPoint) and emits one exchange per digital input or motion event, with a
 * {@link io.visionhub.event.PartTrigger} body, so that {@code vision:<station>?triggered=true} captures the frame of
 * that moment, as it does for a PLC trigger.
 */
@Component("onvif-events")
public class OnvifEventsComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException(
                    "onvif-events: needs a camera id, e.g. onvif-events:cam-1?address=192.168.0.20&username=...");
        }
        OnvifEventsEndpoint endpoint = new OnvifEventsEndpoint(uri, this);
        endpoint.setCamera(remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
