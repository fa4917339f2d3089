package io.visionhub.vision.component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.plc.PlcTrigger;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one consumer of a trigger endpoint (e.g. {@code seda:plc-trigger}) shared by every vision consumer in
 * triggered mode on it: it hands each {@link PlcTrigger} to the consumer of the trigger's station. A trigger for a
 * station no consumer serves is logged and counted ({@code visionhub.vision.trigger.ignored}); the PLC side's
 * fail-safe then applies. Started with the first station, stopped with the last.
 */
final class TriggerDispatcher implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(TriggerDispatcher.class);

    private final Map<String, TriggerDispatcher> owner;
    private final Endpoint endpoint;
    private final MeterRegistry meters;
    private final Map<String, java.util.function.Consumer<PlcTrigger>> stations = new ConcurrentHashMap<>();
    private Consumer consumer;

    private TriggerDispatcher(Map<String, TriggerDispatcher> owner, Endpoint endpoint, MeterRegistry meters) {
        this.owner = owner;
        this.endpoint = endpoint;
        this.meters = meters;
    }

    /**
     * Routes the triggers of {@code station} arriving on {@code uri} to {@code handler}; close the returned handle
     * when the station's consumer stops. Refuses a second consumer for the same station on the same endpoint.
     */
    static AutoCloseable register(CamelContext camel, Map<String, TriggerDispatcher> dispatchers,
                                  MeterRegistry meters, String uri, String station,
                                  java.util.function.Consumer<PlcTrigger> handler) throws Exception {
        Endpoint ep = camel.getEndpoint(uri);
        if (ep == null) {
            throw new IllegalArgumentException("vision:" + station + ": trigger endpoint " + uri + " not found");
        }
        String key = ep.getEndpointUri();
        synchronized (dispatchers) {
            TriggerDispatcher d = dispatchers.get(key);
            if (d == null) {
                d = new TriggerDispatcher(dispatchers, ep, meters);
                d.consumer = ep.createConsumer(d);
                ServiceHelper.startService(d.consumer);
                dispatchers.put(key, d);
                LOG.info("Trigger endpoint {}: listening for PLC triggers", key);
            }
            if (d.stations.putIfAbsent(station, handler) != null) {
                throw new IllegalStateException("vision:" + station + ": another consumer already takes the triggers of "
                        + "station " + station + " from " + key + "; give each station one triggered route");
            }
            TriggerDispatcher registered = d;
            return () -> registered.unregister(key, station, handler);
        }
    }

    private void unregister(String key, String station, java.util.function.Consumer<PlcTrigger> handler) {
        synchronized (owner) {
            stations.remove(station, handler);
            if (stations.isEmpty()) {
                owner.remove(key, this);
                ServiceHelper.stopAndShutdownService(consumer);
                LOG.info("Trigger endpoint {}: no triggered station left; stopped listening", key);
            }
        }
    }

    @Override
    public void process(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (!(body instanceof PlcTrigger trigger)) {
            LOG.warn("Trigger endpoint {}: ignored a message that is not a PlcTrigger ({}); send PlcTrigger bodies here",
                    endpoint.getEndpointUri(), body == null ? "no body" : body.getClass().getName());
            count("not-a-trigger", "");
            return;
        }
        if (trigger.station() == null || trigger.station().isBlank()) {
            LOG.warn("Trigger endpoint {}: trigger without a station (part {}) ignored; the sender must name the station",
                    endpoint.getEndpointUri(), trigger.partId());
            count("no-station", "");
            return;
        }
        java.util.function.Consumer<PlcTrigger> handler = stations.get(trigger.station());
        if (handler == null) {
            LOG.warn("Trigger endpoint {}: trigger for station {} part {} ignored: no vision route in triggered mode "
                            + "serves that station (stations here: {}); the PLC's fail-safe applies. Add "
                            + "vision:{}?trigger={} or fix the station name in visionhub.plc.stations",
                    endpoint.getEndpointUri(), trigger.station(), trigger.partId(), stations.keySet(), trigger.station(),
                    endpoint.getEndpointUri());
            count("unknown-station", String.valueOf(trigger.station()));
            return;
        }
        handler.accept(trigger);
    }

    private void count(String reason, String station) {
        if (meters != null) {
            Counter.builder("visionhub.vision.trigger.ignored").tag("reason", reason).tag("station", station)
                    .description("PLC triggers no vision consumer took").register(meters).increment();
        }
    }
}
