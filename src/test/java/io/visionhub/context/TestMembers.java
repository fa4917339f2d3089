package io.visionhub.context;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.UUID;

/** Hazelcast members for tests: loopback, free ports, a cluster name of their own (tests never join each other). */
final class TestMembers {

    private TestMembers() {}

    static HazelcastInstance single() {
        return start(
                new ContextProperties.Hazelcast("test-" + UUID.randomUUID(), 0, List.of(), null, "127.0.0.1", true));
    }

    static HazelcastInstance start(ContextProperties.Hazelcast h) {
        Config config = ContextConfiguration.memberConfig(h);
        return Hazelcast.newHazelcastInstance(config);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
