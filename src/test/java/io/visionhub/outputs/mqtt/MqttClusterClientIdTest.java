package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** In a cluster each node gets its own MQTT client id (two nodes on one host must not take each other's session). */
class MqttClusterClientIdTest {

    @Test
    void clusterNodesGetOneClientIdEachFromTheirNodeId() {
        assertThat(MqttConfiguration.clusterClientId("plant-7", "hub-a"))
                .isEqualTo("visionhub-plant-7-hub-a")
                .isNotEqualTo(MqttConfiguration.clusterClientId("plant-7", "hub-b"));
        assertThat(MqttConfiguration.clusterClientId("plant 7", "hub/a#1")).isEqualTo("visionhub-plant_7-hub_a_1");
    }
}
