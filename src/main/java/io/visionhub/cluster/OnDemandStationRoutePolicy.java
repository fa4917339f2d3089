package io.visionhub.cluster;

import io.visionhub.camel.SingleThreadExecutors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease for a camera route of a clustered station that does not start by itself ({@code autoStartup: false}) but
 * is started by something else: the demo's MES simulator ({@code controlbus:route?action=start}), Hawtio, JMX, the
 * route API. Camel's {@code ClusteredRoutePolicy} governs only the routes that were to start automatically, so such a
 * route ran on whichever node was told to start it. Here a start is a <em>request</em>: on the node holding the
 * station's lease the route runs; on another node it is stopped again at once and started when (if ever) this node
 * takes the station. Losing the lease stops it and keeps the request; a stop by anyone else withdraws the request.
 * Between a refused start and its stop (the stop cannot run inside the start) the consumer may read a frame: the
 * ledger's fence refuses to record it here, and the frame stays for the owner.
 */
public class OnDemandStationRoutePolicy extends RoutePolicySupport implements CamelClusterEventListener.Leadership {

    private static final Logger LOG = LoggerFactory.getLogger(OnDemandStationRoutePolicy.class);

    /** Set on the executor's thread while this policy starts or stops the route itself. */
    private static final ThreadLocal<Boolean> ACTING = ThreadLocal.withInitial(() -> false);

    private final StationClusterService service;
    private final String station;
    private final AtomicBoolean requested = new AtomicBoolean();
    private CamelContext camelContext;
    private CamelClusterView view;
    private ExecutorService executor;
    private volatile Route route;

    public OnDemandStationRoutePolicy(StationClusterService service, String station) {
        this.service = service;
        this.station = station;
    }

    /** Whether a start was asked for and not withdrawn (the route runs, or will once this node holds the station). */
    public boolean requested() {
        return requested.get();
    }

    @Override
    public void onInit(Route route) {
        super.onInit(route);
        this.route = route;
        this.camelContext = route.getCamelContext();
        // starts and stops in the order asked, never on the asking thread: one run inside a route's start would stop
        // the route within its own start, and overtake the requests queued before it
        executor = SingleThreadExecutors.inOrder(
                camelContext.getExecutorServiceManager(), this, "station-route-" + station);
        try {
            view = service.getView(station);
        } catch (Exception e) {
            throw new IllegalStateException("no cluster view of station " + station, e);
        }
        view.addEventListener(this);
    }

    @Override
    public void onStart(Route route) {
        if (ACTING.get()) {
            return;
        }
        requested.set(true);
        if (!leader()) {
            LOG.warn(
                    "Route {} of station {} was started on cluster node {}, which does not hold the station's lease: "
                            + "stopped again; it starts here when this node takes the station",
                    route.getId(),
                    station,
                    view.getLocalMember().getId());
            act(false);
        }
    }

    @Override
    public void onStop(Route route) {
        if (!ACTING.get()) {
            requested.set(false); // stopped by an operator or a route: the request is withdrawn
        }
    }

    @Override
    public void onRemove(Route route) {
        view.removeEventListener(this);
        camelContext.getExecutorServiceManager().shutdown(executor);
    }

    @Override
    public void leadershipChanged(CamelClusterView view, CamelClusterMember leader) {
        act(leader());
    }

    private boolean leader() {
        return view.getLocalMember().isLeader();
    }

    /** Brings the route to what the lease and the request say, on the executor (never inside a start or stop). */
    private void act(boolean start) {
        try {
            executor.execute(() -> bringInLine(start));
        } catch (RejectedExecutionException removed) {
            // the route was removed (onRemove shut the executor down): no route left to bring in line
        }
    }

    private void bringInLine(boolean start) {
        Route r = route;
        if (r == null || !camelContext.isStarted()) {
            return;
        }
        ServiceStatus status = camelContext.getRouteController().getRouteStatus(r.getId());
        ACTING.set(true);
        try {
            // a route still starting is stopped once its start is done (route start and stop take one lock)
            if (start && requested.get() && leader() && status != null && status.isStartable()) {
                LOG.info("Cluster node holds station {}: starting route {} (started on request)", station, r.getId());
                camelContext.getRouteController().startRoute(r.getId());
            } else if (!leader() && status != null && !status.isStopped()) {
                camelContext.getRouteController().stopRoute(r.getId());
            }
        } catch (Exception e) {
            LOG.warn("Route {} of station {} not brought in line with its lease: {}", r.getId(), station, e.toString());
        } finally {
            ACTING.set(false);
        }
    }
}
