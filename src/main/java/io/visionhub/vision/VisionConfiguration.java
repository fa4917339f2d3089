package io.visionhub.vision;

import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.vision.component.VisionComponent;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring wiring of the vision concern: the {@code vision} Camel component (with the frame store bean and the
 * session settings), after the demo model has been taught where it was missing.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(VisionProperties.class)
public class VisionConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(VisionConfiguration.class);

    /** Marker bean: the demo model exists before any vision endpoint starts. */
    public record DemoModelReady(Path path, boolean taught) {}

    @Bean
    public DemoModelReady demoModelReady(VisionProperties props) {
        VisionProperties.DemoModel demo = props.demoModel();
        Path path = Path.of(demo.path());
        boolean taught = false;
        try {
            taught = demo.enabled() && DemoModelBootstrap.ensure(path, demo.goodImages(), demo.seed());
        } catch (RuntimeException e) {
            // the rest of the hub still starts; routes that use this model report it missing
            LOG.error(
                    "Could not teach the demo model into {}: {}. Make the folder writable, or point "
                            + "visionhub.vision.demo-model.path elsewhere",
                    path.toAbsolutePath(),
                    e.getMessage(),
                    e);
        }
        return new DemoModelReady(path, taught);
    }

    @Bean(name = "vision")
    public VisionComponent visionComponent(
            VisionProperties props, FrameStore frameStore, DemoModelReady demo, ObjectProvider<MeterRegistry> meters) {
        VisionComponent c = new VisionComponent();
        c.setMeterRegistry(meters.getIfAvailable());
        c.setImageStore(frameStore);
        c.setImageUriPrefix(props.imageUriPrefix());
        c.setMaxFramePixels(props.maxFramePixels());
        c.setMaxConcurrentInspections(props.maxConcurrentInspections());
        VisionProperties.Session s = props.session();
        c.setIntraOpThreads(s.intraOpThreads());
        c.setInterOpThreads(s.interOpThreads());
        c.setAllowSpinning(s.allowSpinning());
        c.setOptimization(s.optimization());
        c.setWarmupRuns(s.warmupRuns());
        c.setCuda(s.cuda());
        c.setCudaDevice(s.cudaDevice());
        return c;
    }

    /** Health component "vision": one entry per camera. */
    @Bean
    public VisionHealthIndicator visionHealthIndicator(ObjectProvider<CamelContext> camel) {
        return new VisionHealthIndicator(camel::getIfAvailable);
    }
}
