package io.visionhub.enterprise.sync;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.visionhub.camel.SingleThreadExecutors;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel cluster service on the hub's Hazelcast members, for camel-master ({@code master:<namespace>:…} routes
 * run on the leader only). Camel 4.17 ships no Hazelcast cluster service, so leadership is a lease: the
 * leader of a namespace is the member whose id is in the map {@value #MAP} under that namespace, written with
 * a time-to-live of {@code lease} and renewed every {@code lease}/3; when the leader stops renewing (crash,
 * shutdown, cut off) the entry expires and another member takes over. Hazelcast maps are AP: during a network
 * partition both sides can have a leader for a while, so a job run this way must itself be idempotent (the
 * enterprise syncs are: lookups before creates).
 */
public class HazelcastLeaseClusterService extends AbstractCamelClusterService<HazelcastLeaseClusterService.View> {

    public static final String MAP = "visionhub-camel-leaders";
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastLeaseClusterService.class);

    private final HazelcastInstance hazelcast;
    private final Duration lease;
    private ScheduledExecutorService scheduler;

    public HazelcastLeaseClusterService(HazelcastInstance hazelcast, Duration lease) {
        super("hazelcast-lease");
        this.hazelcast = hazelcast;
        this.lease = lease;
    }

    @Override
    protected void doStart() throws Exception {
        // a thread of Camel's: it shows in Camel's management and the context stops it
        scheduler = SingleThreadExecutors.scheduled(
                getCamelContext().getExecutorServiceManager(), this, "camel-master-hazelcast");
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop(); // the views give up leadership first, on this thread
        if (scheduler != null) {
            getCamelContext().getExecutorServiceManager().shutdownNow(scheduler);
            scheduler = null;
        }
    }

    @Override
    protected View createView(String namespace) {
        return new View(namespace);
    }

    private String localId() {
        return hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    /** Leadership of one namespace. */
    public final class View extends AbstractCamelClusterView {

        private final String self = localId();
        private volatile String leader;
        private ScheduledFuture<?> task;

        View(String namespace) {
            super(HazelcastLeaseClusterService.this, namespace);
        }

        @Override
        protected void doStart() {
            long period = Math.max(50, lease.toMillis() / 3);
            task = scheduler.scheduleWithFixedDelay(this::renew, 0, period, TimeUnit.MILLISECONDS);
        }

        @Override
        protected void doStop() {
            if (task != null) {
                task.cancel(false);
            }
            try {
                if (self.equals(leader)) {
                    map().remove(getNamespace(), self);
                }
            } catch (RuntimeException e) {
                LOG.debug("could not give up leadership of {}: {}", getNamespace(), e.toString());
            }
            setLeader(null);
        }

        private IMap<String, String> map() {
            return hazelcast.getMap(MAP);
        }

        void renew() {
            try {
                IMap<String, String> m = map();
                String current = m.putIfAbsent(getNamespace(), self, lease.toMillis(), TimeUnit.MILLISECONDS);
                if (self.equals(current)) {
                    m.set(getNamespace(), self, lease.toMillis(), TimeUnit.MILLISECONDS);
                }
                setLeader(current == null ? self : current);
            } catch (RuntimeException e) {
                LOG.warn(
                        "Leadership of {} unknown (Hazelcast: {}); this node does not lead until it can renew",
                        getNamespace(),
                        e.toString());
                setLeader(null);
            }
        }

        private void setLeader(String id) {
            if (!Objects.equals(id, leader)) {
                leader = id;
                LOG.info("Cluster leader of {} is now {}{}", getNamespace(), id, self.equals(id) ? " (this node)" : "");
                fireLeadershipChangedEvent(getLeader());
            }
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            return Optional.ofNullable(leader).map(this::member);
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return member(self);
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return hazelcast.getCluster().getMembers().stream()
                    .map(Member::getUuid)
                    .map(Object::toString)
                    .map(this::member)
                    .toList();
        }

        private CamelClusterMember member(String id) {
            return new CamelClusterMember() {
                @Override
                public boolean isLeader() {
                    return id.equals(leader);
                }

                @Override
                public boolean isLocal() {
                    return id.equals(self);
                }

                @Override
                public String getId() {
                    return id;
                }
            };
        }
    }
}
