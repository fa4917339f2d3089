package io.visionhub.cluster;

import java.util.List;
import java.util.Optional;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;

/**
 * Camel's cluster SPI over the station leases: the namespace is a station, and this node leads it while it holds the
 * station's lease ({@link StationOwnership}). Camel's {@code ClusteredRoutePolicy} on it starts a station's camera
 * route when this node takes the lease and stops it when the lease is lost or handed over
 * ({@link StationRoutePolicyFactory}). Which other node leads is not tracked here (the table station_lease says it).
 */
public class StationClusterService extends AbstractCamelClusterService<StationClusterService.View> {

    public static final String ID = "visionhub-stations";

    private final StationOwnership ownership;

    public StationClusterService(StationOwnership ownership) {
        super(ID);
        this.ownership = ownership;
        ownership.addListener(new StationOwnership.Listener() {
            @Override
            public void acquired(String station, long token) {
                changed(station);
            }

            @Override
            public void lost(String station, String why) {
                changed(station);
            }
        });
    }

    private void changed(String station) {
        try {
            ((View) getView(station)).changed();
        } catch (Exception e) {
            throw new IllegalStateException("cannot tell Camel about station " + station, e);
        }
    }

    @Override
    protected View createView(String namespace) {
        return new View(namespace);
    }

    /** Leadership of one station. */
    public final class View extends AbstractCamelClusterView {

        private final CamelClusterMember local = new CamelClusterMember() {
            @Override
            public boolean isLeader() {
                return ownership.held().contains(getNamespace());
            }

            @Override
            public boolean isLocal() {
                return true;
            }

            @Override
            public String getId() {
                return ownership.node();
            }
        };

        View(String namespace) {
            super(StationClusterService.this, namespace);
        }

        void changed() {
            fireLeadershipChangedEvent(getLeader());
        }

        @Override
        protected void doStart() {
            changed();
        }

        @Override
        protected void doStop() {
            // the lease stays with StationOwnership, which releases it at shutdown
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            return local.isLeader() ? Optional.of(local) : Optional.empty();
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return local;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return List.of(local);
        }
    }
}
