package io.visionhub.cluster;

import com.hazelcast.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code visionhub.cluster.*}: several hubs sharing stations (docs/cluster.md). Defaults in config/cluster.yaml.
 *
 * @param enabled         run as one node of a cluster (needs PostgreSQL and the Hazelcast members listed under
 *                        visionhub.context.hazelcast)
 * @param nodeId          this node's name in leases and logs; empty: host name and a random suffix (unique per start)
 * @param stations        the stations the nodes share (each inspected by exactly one node at a time)
 * @param lease           how long a station lease lasts without renewal: a dead node's stations resume elsewhere
 *                        after at most about lease + renew-interval
 * @param renewInterval   how often leases are renewed and ownership re-balanced (shorter than lease)
 * @param memberHeartbeat Hazelcast heartbeat between members
 * @param memberTimeout   a member without heartbeat for this long is removed from the cluster
 */
@ConfigurationProperties("visionhub.cluster")
public record ClusterProperties(
        Boolean enabled,
        String nodeId,
        List<String> stations,
        Duration lease,
        Duration renewInterval,
        Duration memberHeartbeat,
        Duration memberTimeout) {

    public ClusterProperties {
        enabled = enabled != null && enabled;
        nodeId = nodeId == null || nodeId.isBlank() ? defaultNodeId() : nodeId;
        stations = stations == null ? List.of() : List.copyOf(stations);
        lease = lease == null ? Duration.ofSeconds(6) : lease;
        renewInterval = renewInterval == null ? Duration.ofSeconds(2) : renewInterval;
        memberHeartbeat = memberHeartbeat == null ? Duration.ofSeconds(1) : memberHeartbeat;
        memberTimeout = memberTimeout == null ? Duration.ofSeconds(5) : memberTimeout;
        if (renewInterval.compareTo(lease) >= 0 || renewInterval.isNegative() || renewInterval.isZero()) {
            throw new IllegalArgumentException("visionhub.cluster.renew-interval (" + renewInterval
                    + ") must be positive and shorter than visionhub.cluster.lease (" + lease + ")");
        }
        if (memberTimeout.compareTo(memberHeartbeat) <= 0 || memberHeartbeat.toSeconds() < 1) {
            throw new IllegalArgumentException("visionhub.cluster.member-heartbeat (" + memberHeartbeat
                    + ", at least 1s) must be shorter than visionhub.cluster.member-timeout (" + memberTimeout + ")");
        }
    }

    private static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "hub";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Sets Hazelcast's failure detection (whole seconds, as Hazelcast counts them). */
    public static void failureDetection(Config config, Duration heartbeat, Duration timeout) {
        config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(Math.max(1, heartbeat.toSeconds())));
        config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(Math.max(2, timeout.toSeconds())));
    }
}
