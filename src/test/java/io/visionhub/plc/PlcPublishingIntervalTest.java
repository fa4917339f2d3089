package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.plc.opcua.OpcUaPlcTransport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The publishing interval asked of the PLC's OPC UA server: apart from the sampling interval (0 is no publishing
 * interval), and not left at a server's default when the request was below its minimum (Milo's server answers such a
 * request with 250 ms, which was the trigger latency with sampling 0).
 */
class PlcPublishingIntervalTest {

    @Test
    void samplingZeroIsNoPublishingIntervalAndABelowMinimumRequestEndsAtTheServersMinimum() throws Exception {
        try (PlcSimulator plc = new PlcSimulator(List.of("st1"), 10.0)) {
            PlcProperties.StationNodes nodes = PlcHandshakeTest.mapping(plc, "st1", "ResultCode");
            PlcProperties base = PlcProperties.defaults()
                    .withEnabled(true)
                    .withEndpointUrl(plc.endpointUrl())
                    .withCycleBudgetMs(1000)
                    .withStations(Map.of("st1", nodes));

            assertThat(granted(base.withSamplingIntervalMs(0)))
                    .as("sampling 0: published every 10 ms")
                    .isEqualTo(10.0);
            assertThat(granted(base.withSamplingIntervalMs(0).withPublishingIntervalMs(1)))
                    .as("1 ms asked of a server whose minimum is 10 ms: its minimum, not its 250 ms default")
                    .isEqualTo(10.0);
        }
    }

    private static double granted(PlcProperties props) throws Exception {
        OpcUaPlcTransport transport = new OpcUaPlcTransport(props);
        try {
            transport.connect(new PlcTransport.Listener() {
                @Override
                public void samples(List<PlcSample> batch) {}

                @Override
                public void samplesLost(String why) {}

                @Override
                public void connectionLost(String why) {}

                @Override
                public void connectionBack(String why) {}

                @Override
                public void watchLost(String why) {}
            });
            return transport.publishingIntervalMs();
        } finally {
            transport.close();
        }
    }
}
