package io.visionhub.cluster;

import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.StationFence;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which stations this node inspects. Hazelcast membership proposes an owner for each station (rendezvous hashing over
 * the live members: each station goes to the member with the highest hash of member and station, so a member that
 * leaves moves only its own stations); the database decides ({@link StationLeases}: a lease with a fencing token).
 * Every {@code renew-interval} this node renews the leases it holds, hands over the stations another live member
 * should own, and takes the free or ended leases of the stations it should own. A node whose lease ended (it was
 * paused, or cut off from the database) stops the station's consumer and cannot record for it: the ledger append
 * carries the {@linkplain #fence fencing row}.
 */
public class StationOwnership implements StationFence, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StationOwnership.class);

    /**
     * Members of the cluster, this node included (ids as in {@link #node()}); empty when unknown (Hazelcast down):
     * then no lease is taken, those held are renewed.
     */
    public interface Membership {
        List<String> members();
    }

    /** Told on the ownership thread when this node starts or stops inspecting a station. */
    public interface Listener {
        void acquired(String station, long token);

        void lost(String station, String why);
    }

    private record Held(long token, long renewedAtNanos) {}

    private final StationLeases leases;
    private final String node;
    private final List<String> stations;
    private final Duration lease;
    private final Duration renewInterval;
    private final Membership membership;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService scheduler;

    public StationOwnership(
            StationLeases leases,
            String node,
            List<String> stations,
            Duration lease,
            Duration renewInterval,
            Membership membership) {
        if (renewInterval.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("visionhub.cluster.renew-interval (" + renewInterval
                    + ") must be shorter than visionhub.cluster.lease (" + lease + ")");
        }
        this.leases = leases;
        this.node = node;
        this.stations = List.copyOf(stations);
        this.lease = lease;
        this.renewInterval = renewInterval;
        this.membership = membership;
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public String node() {
        return node;
    }

    public List<String> stations() {
        return stations;
    }

    /** Stations this node holds now. */
    public Set<String> held() {
        return Set.copyOf(held.keySet());
    }

    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = SingleThreadExecutors.scheduled(null, this, "cluster-stations");
        scheduler.scheduleWithFixedDelay(this::tickSafely, 0, renewInterval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info(
                "Cluster node {}: stations {} shared with the other members; lease {}, renewed every {}",
                node,
                stations,
                lease,
                renewInterval);
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("Cluster node {}: station ownership round failed: {}", node, e.toString());
        }
    }

    /** One round: renew, hand over, take (the scheduler's thread; tests call it directly). */
    void tick() {
        List<String> members = membership.members();
        for (String station : stations) {
            String preferred = preferred(station, members);
            Held h = held.get(station);
            try {
                if (h != null) {
                    if (!node.equals(preferred) && preferred != null) {
                        drop(station, "member " + preferred + " should own it now (hand-over)");
                        leases.release(station, node, h.token());
                    } else if (!leases.renew(station, node, h.token(), lease)) {
                        drop(station, "lease ended or taken over (token " + h.token() + ")");
                    } else {
                        held.put(station, new Held(h.token(), System.nanoTime()));
                    }
                } else if (node.equals(preferred)) {
                    OptionalLong token = leases.acquire(station, node, lease);
                    if (token.isPresent()) {
                        held.put(station, new Held(token.getAsLong(), System.nanoTime()));
                        LOG.info("Cluster node {} now inspects station {} (fencing token {})", node, station, token);
                        listeners.forEach(l -> l.acquired(station, token.getAsLong()));
                    }
                }
            } catch (SQLException e) {
                LOG.warn("Cluster node {}: lease of station {} not renewed or taken ({})", node, station, e.toString());
            }
            // not renewed for a whole lease (database unreachable, node paused): the lease may be another's now
            Held still = held.get(station);
            if (still != null && System.nanoTime() - still.renewedAtNanos() > lease.toNanos()) {
                drop(station, "lease not renewed for " + lease);
            }
        }
    }

    private void drop(String station, String why) {
        if (held.remove(station) != null) {
            LOG.warn("Cluster node {} stops inspecting station {}: {}", node, station, why);
            listeners.forEach(l -> l.lost(station, why));
        }
    }

    /** The member that should own a station: highest SHA-256(member + station); null when no member is known. */
    static String preferred(String station, List<String> members) {
        String best = null;
        long bestScore = Long.MIN_VALUE;
        for (String m : members) {
            long score = score(m, station);
            if (best == null || score > bestScore || (score == bestScore && m.compareTo(best) > 0)) {
                best = m;
                bestScore = score;
            }
        }
        return best;
    }

    private static long score(String member, String station) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((member + "\n" + station).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (d[i] & 0xff);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public LedgerWrite fence(String station, LedgerWrite write) {
        if (!stations.contains(station)) {
            return write; // not a clustered station
        }
        Held h = held.get(station);
        if (h == null) {
            throw new LedgerException(write.type() + " " + write.recordId() + " not recorded: station " + station
                    + " is not inspected by cluster node " + node + " (another node holds its lease)");
        }
        try {
            List<LedgerWrite.SqlRow> rows = new ArrayList<>(write.rows());
            rows.add(leases.fenceRow(station, node, h.token()));
            return new LedgerWrite(write.type(), write.recordId(), write.body(), rows);
        } catch (SQLException e) {
            throw new LedgerException(write.type() + " " + write.recordId() + " not recorded: " + e.getMessage(), e);
        }
    }

    /** Stops renewing and releases every lease this node holds (a clean shutdown hands over at once). */
    @Override
    public synchronized void close() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler = null;
        for (Map.Entry<String, Held> e : Map.copyOf(held).entrySet()) {
            drop(e.getKey(), "node shutting down");
            try {
                leases.release(e.getKey(), node, e.getValue().token());
            } catch (SQLException ex) {
                LOG.warn(
                        "Cluster node {}: lease of {} not released ({}); it ends by itself",
                        node,
                        e.getKey(),
                        ex.toString());
            }
        }
    }
}
