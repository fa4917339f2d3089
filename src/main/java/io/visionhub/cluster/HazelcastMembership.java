package io.visionhub.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import java.util.List;

/**
 * The live members of the hub's Hazelcast cluster, by node id (member attribute {@value #NODE_ATTRIBUTE}, set from
 * {@code visionhub.cluster.node-id}; the member's UUID where a member has none). A member that stops answering
 * heartbeats for {@code visionhub.cluster.member-timeout} is removed, and its stations are proposed to the others.
 */
public class HazelcastMembership implements StationOwnership.Membership {

    public static final String NODE_ATTRIBUTE = "visionhub.node";

    private final HazelcastInstance hazelcast;

    public HazelcastMembership(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
    }

    @Override
    public List<String> members() {
        if (!hazelcast.getLifecycleService().isRunning()) {
            return List.of();
        }
        return hazelcast.getCluster().getMembers().stream()
                .map(HazelcastMembership::nodeId)
                .toList();
    }

    static String nodeId(Member m) {
        String id = m.getAttribute(NODE_ATTRIBUTE);
        return id == null ? m.getUuid().toString() : id;
    }
}
