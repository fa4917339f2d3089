package io.visionhub.outputs.opcua;

import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.vision.component.CameraHealth;
import io.visionhub.vision.component.VisionConsumer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.ExecutorServiceManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives each station's VisionStateMachine from its camera routes, once a second: route stopped = Halted, camera
 * connected = Operational, camera lost after it was connected = Error, not yet connected = Preoperational. A
 * station with several cameras takes the worst of them (Error, then Halted, then Preoperational). Stations
 * without a camera route (results from elsewhere) are left to the results: Operational from their first one.
 * The same pass lists the models the started routes run under each station's RecipeManagement/Recipes.
 */
public class VisionStateSampler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VisionStateSampler.class);
    private static final List<VisionState> WORST_FIRST =
            List.of(VisionState.ERROR, VisionState.HALTED, VisionState.PREOPERATIONAL, VisionState.OPERATIONAL);
    private final Supplier<CamelContext> camel;
    private final Supplier<StationNamespace> namespace;
    private ScheduledExecutorService timer;
    private ExecutorServiceManager timerOwner;

    public VisionStateSampler(Supplier<CamelContext> camel, Supplier<StationNamespace> namespace) {
        this.camel = camel;
        this.namespace = namespace;
    }

    /** What the sampler knows of one camera. */
    public record CameraSignal(String station, boolean routeStarted, boolean connected, boolean everConnected) {}

    /** Each station's state from its cameras' signals. */
    public static Map<String, VisionState> stationStates(Collection<CameraSignal> cameras) {
        Map<String, VisionState> out = new TreeMap<>();
        for (CameraSignal c : cameras) {
            VisionState s = VisionState.of(c.routeStarted(), c.connected(), c.everConnected());
            out.merge(c.station(), s, (a, b) -> WORST_FIRST.indexOf(a) <= WORST_FIRST.indexOf(b) ? a : b);
        }
        return out;
    }

    /** Samples once a second on a thread of Camel's ExecutorServiceManager (Camel stops it with the context). */
    public synchronized void start() {
        CamelContext ctx = camel.get();
        if (timer == null && ctx != null) {
            timerOwner = ctx.getExecutorServiceManager();
            timer = SingleThreadExecutors.scheduled(timerOwner, this, "opcua-vision-state");
            timer.scheduleWithFixedDelay(this::sample, 1, 1, TimeUnit.SECONDS);
        } else if (ctx == null) {
            LOG.warn("No CamelContext: the OPC UA VisionStateMachine does not follow the camera routes");
        }
    }

    /** One sampling pass (also called by tests). */
    public void sample() {
        try {
            CamelContext ctx = camel.get();
            StationNamespace ns = namespace.get();
            if (ctx == null || ns == null) {
                return;
            }
            List<CameraSignal> signals = new ArrayList<>();
            Map<String, List<RecipeNodes.Recipe>> recipes = new TreeMap<>();
            for (Route route : ctx.getRoutes()) {
                if (route.getConsumer() instanceof VisionConsumer c) {
                    CameraHealth h = c.health();
                    signals.add(new CameraSignal(
                            h.station(),
                            c.isStarted(),
                            h.connected(),
                            h.connected() || h.framesRead() > 0 || h.reconnects() > 0));
                    List<RecipeNodes.Recipe> station = recipes.computeIfAbsent(h.station(), k -> new ArrayList<>());
                    if (c.isStarted() && c.endpoint().getModel() != null) {
                        // a started route has loaded its model: this returns the loaded handle
                        var model = c.endpoint()
                                .getComponent()
                                .model(c.endpoint().getModel())
                                .model();
                        station.add(
                                new RecipeNodes.Recipe(model.ref(), c.endpoint().getModel()));
                    }
                }
            }
            stationStates(signals).forEach(ns::setState);
            recipes.forEach(ns::setRecipes);
        } catch (RuntimeException e) {
            LOG.warn("OPC UA VisionStateMachine not updated from the camera routes: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timerOwner.shutdownNow(timer);
            timer = null;
        }
    }
}
